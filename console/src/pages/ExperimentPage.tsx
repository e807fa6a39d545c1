// An experiment: per variant and the holdout, who entered and converted, the rate, the lift over
// the holdout and the probability to beat it, with conversion rates day by day; promote or stop.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useParams } from 'react-router';
import { ROUTES } from '../../../src/contracts/routes';
import { call } from '../api/client';
import { useExperiment, useExperimentResults } from '../api/queries';
import { useSession } from '../api/session';
import { ConfirmAction } from '../components/ConfirmAction';
import { Loading, ProblemView } from '../components/states';

type Day = { day: string; series: string; entered: number; converted: number };

/** One row per day: each series' conversion rate over everyone it had taken in by then. */
function cumulativeRates(timeline: Day[]): Record<string, string | number>[] {
  const totals = new Map<string, { entered: number; converted: number }>();
  const days = [...new Set(timeline.map((t) => t.day))].sort();
  return days.map((day) => {
    for (const t of timeline.filter((t) => t.day === day)) {
      const sum = totals.get(t.series) ?? { entered: 0, converted: 0 };
      totals.set(t.series, { entered: sum.entered + t.entered, converted: sum.converted + t.converted });
    }
    const rates = [...totals].map(([series, t]) => [series, t.entered ? t.converted / t.entered : 0]);
    return { day, ...Object.fromEntries(rates) };
  });
}

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
const COLORS = ['#2563eb', '#16a34a', '#db2777', '#ea580c', '#7c3aed', '#0891b2'];

export function ExperimentPage() {
  const id = useParams().id!;
  const { key } = useSession();
  const experiment = useExperiment(id);
  const results = useExperimentResults(id);
  if (experiment.isPending || results.isPending) return <Loading what="the experiment" />;
  if (experiment.isError) return <ProblemView error={experiment.error} />;
  if (results.isError) return <ProblemView error={results.error} />;
  const e = experiment.data;
  const r = results.data;
  const series = ['holdout', ...Object.keys(r.variants)];
  const chart = cumulativeRates(r.timeline);
  return (
    <>
      <h1>
        Experiment {e.id} <span className={`status status-${e.status}`}>{e.status}</span>
      </h1>
      <p className="muted">
        Program {e.programId} · holdout {percent(e.holdout)} on v{e.controlVersion} · started{' '}
        {new Date(e.startedAt).toLocaleString()}
        {e.winner && ` · winner ${e.winner}`}
      </p>
      {e.status === 'running' && (
        <div className="release-actions">
          {Object.keys(r.variants).map((variant) => (
            <ConfirmAction
              key={variant}
              label={`Promote ${variant}`}
              question={`Make ${variant}'s version live for every new entrant and end the experiment?`}
              run={() => call(key, ROUTES.experiments.promote, { id }, { variant })}
            />
          ))}
          <ConfirmAction
            label="Stop"
            danger
            question="Stop the experiment? New entrants go to the live version."
            run={() => call(key, ROUTES.experiments.stop, { id })}
          />
        </div>
      )}
      <table>
        <thead>
          <tr>
            <th scope="col">Variant</th>
            <th scope="col" className="number">
              Entered
            </th>
            <th scope="col" className="number">
              Converted
            </th>
            <th scope="col" className="number">
              Rate
            </th>
            <th scope="col" className="number">
              Lift over holdout
            </th>
            <th scope="col" className="number">
              P(beats holdout)
            </th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>holdout</td>
            <td className="number">{r.holdout.entered}</td>
            <td className="number">{r.holdout.converted}</td>
            <td className="number">{percent(r.holdout.conversionRate)}</td>
            <td />
            <td />
          </tr>
          {Object.entries(r.variants).map(([name, v]) => (
            <tr key={name} className={r.winner === name ? 'winner' : undefined}>
              <td>{name}</td>
              <td className="number">{v.entered}</td>
              <td className="number">{v.converted}</td>
              <td className="number">{percent(v.conversionRate)}</td>
              <td className="number">{percent(v.liftOverHoldout)}</td>
              <td className="number">{percent(v.probabilityToBeatHoldout)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Conversion rate by day</h2>
      <div className="chart" role="img" aria-label="Conversion rate by day, per variant">
        <ResponsiveContainer width="100%" height={280}>
          <LineChart data={chart}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="day" />
            <YAxis tickFormatter={(v: number) => `${Math.round(v * 100)}%`} />
            <Tooltip formatter={(v) => percent(typeof v === 'number' ? v : null)} />
            <Legend />
            {series.map((s, i) => (
              <Line key={s} dataKey={s} stroke={COLORS[i % COLORS.length]} connectNulls isAnimationActive={false} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </>
  );
}
