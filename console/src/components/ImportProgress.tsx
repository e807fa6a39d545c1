// How far an import has read its file, as a bar, with its row counts beside it.
import type { ImportReport } from '../api/import-queries';

/** The share of the file read; a finished import is whole, a gzip source of unknown size has none. */
function share(i: ImportReport): number | undefined {
  if (i.status === 'completed') return 1;
  if (!i.bytesTotal) return undefined;
  return Math.min(1, i.bytesRead / i.bytesTotal);
}

export function ImportProgress(props: { report: ImportReport }) {
  const i = props.report;
  const done = share(i);
  return (
    <span className="import-progress">
      <progress aria-label={`Progress of import ${i.id}`} max={1} value={done} />{' '}
      <span className="muted">{done === undefined ? `${i.bytesRead} bytes` : `${Math.round(done * 100)}%`}</span>
    </span>
  );
}
