// One import: its progress, refreshed until it ends, its counts and speed, the rows it could not
// take (by row number, with the field and why), and cancel while it runs.
import { useParams } from 'react-router';
import { ROUTES } from '../../../src/contracts/routes';
import { useImport } from '../api/import-queries';
import { call } from '../api/client';
import { useSession } from '../api/session';
import { ConfirmAction } from '../components/ConfirmAction';
import { Figure } from '../components/Figure';
import { ImportProgress } from '../components/ImportProgress';
import { Empty, Loading, ProblemView } from '../components/states';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

export function ImportPage() {
  const id = useParams().id!;
  const { key } = useSession();
  const report = useImport(id);
  if (report.isPending) return <Loading what="the import" />;
  if (report.isError) return <ProblemView error={report.error} />;
  const i = report.data;
  return (
    <>
      <h1>
        Import {i.id} <span className={`status status-${i.status}`}>{i.status}</span>
      </h1>
      <p className="muted">
        {i.kind} · {i.format} · {i.source.url ?? 'uploaded file'} · created {when(i.createdAt)} · finished{' '}
        {when(i.finishedAt)}
      </p>
      {(i.status === 'queued' || i.status === 'running') && (
        <div className="release-actions">
          <ConfirmAction
            label="Cancel import"
            danger
            question="Stop this import? Rows written so far stay."
            run={() => call(key, ROUTES.imports.cancel, { id })}
          />
        </div>
      )}
      <section aria-label="Progress" className="figures">
        <ImportProgress report={i} />
        <Figure label="Rows imported" value={i.rowsOk} />
        <Figure label="Rows failed" value={i.rowsFailed} />
        <Figure label="Rows per second" value={i.rowsPerSecond === null ? '—' : Math.round(i.rowsPerSecond)} />
        <Figure label="Bytes read" value={`${i.bytesRead} of ${i.bytesTotal ?? '?'}`} />
      </section>
      <section aria-label="Row errors">
        <h2>Row errors</h2>
        {i.errors.length === 0 ? (
          <Empty>None.</Empty>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col" className="number">
                  Row
                </th>
                <th scope="col">Field</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {i.errors.map((e, n) => (
                <tr key={n}>
                  <td className="number">{e.row}</td>
                  <td>
                    <code>{e.path}</code>
                  </td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
