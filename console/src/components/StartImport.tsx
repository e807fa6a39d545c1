// Start an import of one kind: upload a CSV or NDJSON file from this computer, or name a file on
// the server's own storage by its file:// URL. The API answers as soon as the job is started.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ROUTES } from '../../../src/contracts/routes';
import { IMPORT_KINDS, type ImportKind } from '../../../src/contracts/requests/import-kinds';
import { send } from '../api/client';
import { useSession } from '../api/session';
import { ProblemView } from './states';

/** The upload's media type, from the file's name: the API reads CSV or NDJSON by it. */
const typeOf = (name: string) => (/\.(ndjson|jsonl)$/i.test(name) ? 'application/x-ndjson' : 'text/csv');

export function StartImport() {
  const { key } = useSession();
  const queries = useQueryClient();
  const navigate = useNavigate();
  const [kind, setKind] = useState<ImportKind>('customers');
  const [file, setFile] = useState<File>();
  const [url, setUrl] = useState('');
  const start = useMutation({
    mutationFn: () =>
      file
        ? send(key, ROUTES.imports.run, { kind }, file, typeOf(file.name), 202)
        : send(key, ROUTES.imports.run, { kind }, JSON.stringify({ url: url.trim() }), 'application/json', 202),
    onSuccess: async (report) => {
      await queries.invalidateQueries({ queryKey: [ROUTES.imports.list.path] });
      await navigate(`/imports/${encodeURIComponent(report.id)}`);
    },
  });
  return (
    <form
      aria-label="Start an import"
      className="panel"
      onSubmit={(e) => {
        e.preventDefault();
        start.mutate();
      }}
    >
      <div className="row">
        <label>
          Kind{' '}
          <select value={kind} onChange={(e) => setKind(e.target.value as ImportKind)}>
            {IMPORT_KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <label>
          File (CSV, NDJSON){' '}
          <input type="file" accept=".csv,.ndjson,.jsonl" onChange={(e) => setFile(e.target.files?.[0])} />
        </label>
        <span className="muted">or</span>
        <label>
          File URL on the server{' '}
          <input
            value={url}
            disabled={Boolean(file)}
            placeholder="file:///data/customers.csv"
            onChange={(e) => setUrl(e.target.value)}
          />
        </label>
        <button type="submit" className="primary" disabled={start.isPending || (!file && !url.trim())}>
          {start.isPending ? 'Starting…' : 'Start import'}
        </button>
      </div>
      {start.isError && <ProblemView error={start.error} />}
    </form>
  );
}
