// The audit log, newest first: who changed what, with what it was before and after.
import { useState } from 'react';
import { useAudit } from '../api/queries';
import { Empty, Loading, ProblemView } from '../components/states';

export function AuditPage() {
  const [resource, setResource] = useState('');
  const [filter, setFilter] = useState<string>();
  const audit = useAudit(filter);
  return (
    <>
      <h1>Audit log</h1>
      <form
        className="search"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter(resource.trim() || undefined);
        }}
      >
        <input
          aria-label="Resource"
          placeholder="program:welcome, template:welcome, api-key:…"
          value={resource}
          onChange={(e) => setResource(e.target.value)}
        />
        <button type="submit">Filter</button>
      </form>
      {audit.isPending && <Loading what="the audit log" />}
      {audit.isError && <ProblemView error={audit.error} />}
      {audit.data?.entries.length === 0 && <Empty>Nothing recorded{filter ? ` for ${filter}` : ''}.</Empty>}
      <table>
        <tbody>
          {audit.data?.entries.map((e) => (
            <tr key={e.id}>
              <td>{new Date(e.at).toLocaleString()}</td>
              <td>{e.actor}</td>
              <td>{e.action}</td>
              <td>
                <code>{e.resource}</code>
              </td>
              <td>
                <details>
                  <summary>before / after</summary>
                  <pre>{JSON.stringify({ before: e.before, after: e.after }, null, 2)}</pre>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
