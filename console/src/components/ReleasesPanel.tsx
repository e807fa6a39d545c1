// A program's experiments and staged rollouts, newest first, with their state and a link to each.
import { Link } from 'react-router';
import { useExperiments, useRollouts } from '../api/queries';
import { ProblemView } from './states';

export function ReleasesPanel(props: { programId: string }) {
  const experiments = useExperiments(props.programId);
  const rollouts = useRollouts(props.programId);
  return (
    <section aria-label="Experiments and rollouts" className="releases">
      <h2>Experiments</h2>
      {experiments.isError && <ProblemView error={experiments.error} />}
      {experiments.data?.length === 0 && <p className="empty">None yet.</p>}
      <ul>
        {experiments.data?.map((e) => (
          <li key={e.id}>
            <Link to={`/experiments/${encodeURIComponent(e.id)}`}>{e.id}</Link>{' '}
            <span className={`status status-${e.status}`}>{e.status}</span>
            {e.winner && <span> · winner {e.winner}</span>} · started {new Date(e.startedAt).toLocaleString()}
          </li>
        ))}
      </ul>
      <h2>Rollouts</h2>
      {rollouts.isError && <ProblemView error={rollouts.error} />}
      {rollouts.data?.length === 0 && <p className="empty">None yet.</p>}
      <ul>
        {rollouts.data?.map((r) => (
          <li key={r.id}>
            <Link to={`/rollouts/${encodeURIComponent(r.id)}`}>
              v{r.fromVersion} → v{r.toVersion}
            </Link>{' '}
            <span className={`status status-${r.status}`}>{r.status}</span> at {r.percent}%
            {r.reason && <span> · {r.reason}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
