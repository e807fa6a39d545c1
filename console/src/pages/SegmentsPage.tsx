// Every segment: its size now as bars and in the table, the version evaluated, and a form to create one.
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Link } from 'react-router';
import { useSegments } from '../api/audience-queries';
import { CreateSegment } from '../components/CreateSegment';
import { Empty, Loading, ProblemView } from '../components/states';

type Segment = NonNullable<ReturnType<typeof useSegments>['data']>[number];

const statusOf = (s: Segment) => (s.archivedAt ? 'archived' : s.currentVersion === null ? 'draft' : 'live');

export function SegmentsPage() {
  const segments = useSegments();
  if (segments.isPending) return <Loading what="segments" />;
  if (segments.isError) return <ProblemView error={segments.error} />;
  const bars = segments.data.map((s) => ({ name: s.name, members: s.members }));
  return (
    <>
      <h1>Segments</h1>
      <CreateSegment />
      {segments.data.length === 0 ? (
        <Empty>No segments yet.</Empty>
      ) : (
        <>
          <figure className="chart" aria-label="Segment sizes">
            <ResponsiveContainer width="100%" height={200}>
              <BarChart data={bars}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="name" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Bar dataKey="members" name="Members now" fill="#2563eb" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </figure>
          <table aria-label="Segments">
            <thead>
              <tr>
                <th scope="col">Segment</th>
                <th scope="col">Status</th>
                <th scope="col">Version</th>
                <th scope="col" className="number">
                  Members
                </th>
                <th scope="col">Last full recompute</th>
              </tr>
            </thead>
            <tbody>
              {segments.data.map((s) => (
                <tr key={s.id} data-segment={s.id}>
                  <td>
                    <Link to={`/segments/${encodeURIComponent(s.id)}`}>{s.name}</Link>
                    <div className="muted">{s.id}</div>
                  </td>
                  <td>
                    <span className={`status status-${statusOf(s)}`}>{statusOf(s)}</span>
                  </td>
                  <td>{s.currentVersion === null ? '—' : `v${s.currentVersion}`}</td>
                  <td className="number" data-count="members">
                    {s.members}
                  </td>
                  <td>{s.computedAt ? new Date(s.computedAt).toLocaleString() : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
