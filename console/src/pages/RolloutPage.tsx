// A staged rollout: its percent and every guardrail evaluation over time, and why it rolled back.
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useParams } from 'react-router';
import { ROUTES } from '../../../src/contracts/routes';
import { call } from '../api/client';
import { useRollout } from '../api/queries';
import { useSession } from '../api/session';
import { ConfirmAction } from '../components/ConfirmAction';
import { Loading, ProblemView } from '../components/states';

export function RolloutPage() {
  const id = useParams().id!;
  const { key } = useSession();
  const rollout = useRollout(id);
  if (rollout.isPending) return <Loading what="the rollout" />;
  if (rollout.isError) return <ProblemView error={rollout.error} />;
  const r = rollout.data;
  const chart = r.evaluations.map((e) => ({ at: new Date(e.at).toLocaleTimeString(), percent: e.percent }));
  return (
    <>
      <h1>
        Rollout of {r.programId}: v{r.fromVersion} → v{r.toVersion}{' '}
        <span className={`status status-${r.status}`}>{r.status}</span>
      </h1>
      <p>
        At <b>{r.percent}%</b> · started {new Date(r.startedAt).toLocaleString()}
        {r.endedAt && ` · ended ${new Date(r.endedAt).toLocaleString()}`}
      </p>
      {r.reason && (
        <p className={r.status === 'rolled_back' ? 'problem' : 'muted'} role="status">
          {r.reason}
        </p>
      )}
      {r.status === 'running' && (
        <div className="release-actions">
          <ConfirmAction
            label="Abort"
            danger
            question="Abort the rollout? Every customer goes back to the current version."
            run={() => call(key, ROUTES.rollouts.abort, { id })}
          />
        </div>
      )}
      <h2>Percent over time</h2>
      <div className="chart" role="img" aria-label="Rollout percent over time">
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={chart}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="at" />
            <YAxis domain={[0, 100]} unit="%" />
            <Tooltip />
            <Line type="stepAfter" dataKey="percent" stroke="#2563eb" isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <h2>Guardrail evaluations</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Percent</th>
            <th scope="col">Rates (current → new)</th>
            <th scope="col">Breach</th>
          </tr>
        </thead>
        <tbody>
          {[...r.evaluations].reverse().map((e) => (
            <tr key={e.id} className={e.breach ? 'breach' : undefined}>
              <td>{new Date(e.at).toLocaleString()}</td>
              <td>{e.percent}%</td>
              <td>
                <code>{JSON.stringify(e.metrics)}</code>
              </td>
              <td>{e.breach ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
