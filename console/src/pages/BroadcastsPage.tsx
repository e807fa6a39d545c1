// Every broadcast, newest first: to which segment, which template, when, and its state.
import { Link } from 'react-router';
import { useBroadcasts } from '../api/audience-queries';
import { CreateBroadcast } from '../components/CreateBroadcast';
import { Empty, Loading, ProblemView } from '../components/states';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

export function BroadcastsPage() {
  const broadcasts = useBroadcasts();
  if (broadcasts.isPending) return <Loading what="broadcasts" />;
  if (broadcasts.isError) return <ProblemView error={broadcasts.error} />;
  return (
    <>
      <h1>Broadcasts</h1>
      <CreateBroadcast />
      {broadcasts.data.length === 0 ? (
        <Empty>No broadcasts yet.</Empty>
      ) : (
        <table aria-label="Broadcasts">
          <thead>
            <tr>
              <th scope="col">Broadcast</th>
              <th scope="col">Status</th>
              <th scope="col">Segment</th>
              <th scope="col">Template</th>
              <th scope="col">Send at</th>
              <th scope="col">Finished</th>
            </tr>
          </thead>
          <tbody>
            {broadcasts.data.map((b) => (
              <tr key={b.id}>
                <td>
                  <Link to={`/broadcasts/${encodeURIComponent(b.id)}`}>{b.name}</Link>
                  <div className="muted">{b.id}</div>
                </td>
                <td>
                  <span className={`status status-${b.status}`}>{b.status}</span>
                </td>
                <td>
                  <Link to={`/segments/${encodeURIComponent(b.segmentId)}`}>{b.segmentId}</Link>
                </td>
                <td>
                  <Link to={`/templates/${encodeURIComponent(b.templateId)}`}>{b.templateId}</Link>
                </td>
                <td>{b.sendAt ? when(b.sendAt) : `now (${when(b.createdAt)})`}</td>
                <td>{when(b.finishedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
