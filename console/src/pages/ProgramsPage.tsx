// Every program: status, live version, a running experiment or rollout, customers in it now, and
// who entered and converted in the last 7 days.
import { Link } from 'react-router';
import { usePrograms } from '../api/queries';
import { Empty, Loading, ProblemView } from '../components/states';

export function ProgramsPage() {
  const programs = usePrograms();
  if (programs.isPending) return <Loading what="programs" />;
  if (programs.isError) return <ProblemView error={programs.error} />;
  if (programs.data.length === 0)
    return <Empty>No programs yet. Create one with POST /v1/programs or `kairos programs apply`.</Empty>;
  return (
    <>
      <h1>Programs</h1>
      <table>
        <thead>
          <tr>
            <th scope="col">Program</th>
            <th scope="col">Status</th>
            <th scope="col">Live version</th>
            <th scope="col">Release</th>
            <th scope="col" className="number">
              In it now
            </th>
            <th scope="col" className="number">
              Entered (7 d)
            </th>
            <th scope="col" className="number">
              Converted (7 d)
            </th>
          </tr>
        </thead>
        <tbody>
          {programs.data.map((p) => (
            <tr key={p.id}>
              <td>
                <Link to={`/programs/${encodeURIComponent(p.id)}`}>{p.name}</Link>
                <div className="muted">{p.id}</div>
              </td>
              <td>
                <span className={`status status-${p.status}`}>{p.status}</span>
              </td>
              <td>{p.liveVersion ?? '—'}</td>
              <td>
                {p.experiment && (
                  <Link to={`/experiments/${encodeURIComponent(p.experiment.id)}`}>experiment {p.experiment.id}</Link>
                )}
                {p.rollout && (
                  <Link to={`/rollouts/${encodeURIComponent(p.rollout.id)}`}>rollout at {p.rollout.percent}%</Link>
                )}
                {!p.experiment && !p.rollout && '—'}
              </td>
              <td className="number">{p.activeNow}</td>
              <td className="number">{p.entered7d}</td>
              <td className="number">{p.converted7d}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
