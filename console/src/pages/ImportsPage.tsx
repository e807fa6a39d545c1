// Every import, most recent first, with how far each has read its file; and a form to start one.
import { Link } from 'react-router';
import { useImports } from '../api/import-queries';
import { ImportProgress } from '../components/ImportProgress';
import { StartImport } from '../components/StartImport';
import { Empty, Loading, ProblemView } from '../components/states';

export function ImportsPage() {
  const imports = useImports();
  return (
    <>
      <h1>Imports</h1>
      <StartImport />
      {imports.isPending && <Loading what="imports" />}
      {imports.isError && <ProblemView error={imports.error} />}
      {imports.data?.imports.length === 0 && <Empty>No imports yet.</Empty>}
      {imports.data && imports.data.imports.length > 0 && (
        <table aria-label="Imports">
          <thead>
            <tr>
              <th scope="col">Import</th>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col" className="number">
                Rows imported
              </th>
              <th scope="col" className="number">
                Rows failed
              </th>
              <th scope="col" className="number">
                Rows/s
              </th>
              <th scope="col">Started</th>
            </tr>
          </thead>
          <tbody>
            {imports.data.imports.map((i) => (
              <tr key={i.id} data-import={i.id}>
                <td>
                  <Link to={`/imports/${encodeURIComponent(i.id)}`}>{i.id}</Link>
                  <div className="muted">{i.source.url ?? 'uploaded file'}</div>
                </td>
                <td>
                  {i.kind} <span className="muted">({i.format})</span>
                </td>
                <td>
                  <span className={`status status-${i.status}`}>{i.status}</span>
                </td>
                <td>
                  <ImportProgress report={i} />
                </td>
                <td className="number" data-count="ok">
                  {i.rowsOk}
                </td>
                <td className="number" data-count="failed">
                  {i.rowsFailed}
                </td>
                <td className="number">{i.rowsPerSecond === null ? '—' : Math.round(i.rowsPerSecond)}</td>
                <td>{new Date(i.startedAt ?? i.createdAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
