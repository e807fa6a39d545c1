// Recent messages with their status and skip reasons, filtered by program and status.
import { useState } from 'react';
import { Link } from 'react-router';
import { useMessages } from '../api/queries';
import { Empty, Loading, ProblemView } from '../components/states';

const STATUSES = ['', 'queued', 'sending', 'sent', 'skipped', 'failed'];

export function MessagesPage() {
  const [programId, setProgramId] = useState('');
  const [status, setStatus] = useState('');
  const messages = useMessages({ programId: programId.trim() || undefined, status: status || undefined });
  return (
    <>
      <h1>Messages</h1>
      <div className="toolbar">
        <label>
          Program <input value={programId} onChange={(e) => setProgramId(e.target.value)} />
        </label>
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s || 'any'}
              </option>
            ))}
          </select>
        </label>
      </div>
      {messages.isPending && <Loading what="messages" />}
      {messages.isError && <ProblemView error={messages.error} />}
      {messages.data?.length === 0 && <Empty>No messages match.</Empty>}
      <table>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Customer</th>
            <th scope="col">Program</th>
            <th scope="col">Step</th>
            <th scope="col">Template</th>
            <th scope="col">Status</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {messages.data?.map((m) => (
            <tr key={m.key}>
              <td>{new Date(m.createdAt).toLocaleString()}</td>
              <td>
                <Link to={`/customers/${encodeURIComponent(m.customerId)}`}>{m.customerId}</Link>
              </td>
              <td>
                <Link to={`/programs/${encodeURIComponent(m.programId)}`}>{m.programId}</Link> v{m.version ?? '—'}
                {m.variant && ` (${m.variant})`}
              </td>
              <td>
                <code>{m.stepId}</code>
              </td>
              <td>{m.templateId}</td>
              <td>
                <span className={`status status-${m.status}`}>{m.status}</span>
              </td>
              <td>{m.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
