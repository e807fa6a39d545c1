// Trends: one measure per day or week as a line, the period before it dashed beside it, and the
// totals of both.
import { useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useTrends, type Trends } from '../api/analytics-queries';
import { Figure } from '../components/Figure';
import { Loading, ProblemView } from '../components/states';
import { money } from './period';

type Measures = Trends['totals']['current'];

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((n, c) => n + c, 0);

/** What the chart can show, read from one point's measures. */
const MEASURES: Record<string, (m: Measures) => number> = {
  revenue: (m) => m.revenue,
  orders: (m) => m.orders,
  conversions: (m) => m.conversions,
  events: (m) => sum(m.events),
  'messages sent': (m) => m.messages.sent ?? 0,
};

export function TrendsView(props: { period: { from: string; to: string } }) {
  const [per, setPer] = useState<'day' | 'week'>('day');
  const [measure, setMeasure] = useState('revenue');
  const trends = useTrends({ ...props.period, interval: per });
  const read = MEASURES[measure]!;
  const data = trends.data?.points.map((p) => ({
    start: p.start,
    current: read(p.current),
    previous: read(p.previous),
  }));
  const totals = trends.data?.totals;
  return (
    <section aria-label="Trends">
      <h2>Trends</h2>
      <div className="toolbar">
        <label>
          Measure{' '}
          <select value={measure} onChange={(e) => setMeasure(e.target.value)}>
            {Object.keys(MEASURES).map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <label>
          Per{' '}
          <select value={per} onChange={(e) => setPer(e.target.value as 'day' | 'week')}>
            <option value="day">day</option>
            <option value="week">week</option>
          </select>
        </label>
      </div>
      {trends.isPending && <Loading what="the trends" />}
      {trends.isError && <ProblemView error={trends.error} />}
      {trends.data && totals && (
        <>
          <div className="figures">
            <Figure
              label={`Total ${measure}`}
              value={money(read(totals.current))}
              note={`previous period ${money(read(totals.previous))}`}
            />
          </div>
          <figure className="chart" aria-label={`Trend of ${measure}`}>
            <ResponsiveContainer width="100%" height={260}>
              <LineChart data={data}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="start" />
                <YAxis />
                <Tooltip />
                <Legend />
                <Line
                  type="monotone"
                  dataKey="current"
                  name={`${trends.data.period.from} to ${trends.data.period.to}`}
                  stroke="#2563eb"
                  isAnimationActive={false}
                />
                <Line
                  type="monotone"
                  dataKey="previous"
                  name={`previous: ${trends.data.previousPeriod.from} to ${trends.data.previousPeriod.to}`}
                  stroke="#94a3b8"
                  strokeDasharray="6 4"
                  isAnimationActive={false}
                />
              </LineChart>
            </ResponsiveContainer>
          </figure>
        </>
      )}
    </section>
  );
}
