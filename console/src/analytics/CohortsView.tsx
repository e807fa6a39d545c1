// Cohorts by month of first purchase or first seen: a grid of the share who purchased in each
// month after, shaded by that share, and the revenue each month of each cohort brought, as
// stacked bars.
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useCohorts, type Cohorts } from '../api/analytics-queries';
import { Empty, Loading, ProblemView } from '../components/states';
import { lastMonths, money, percent } from './period';

const COLORS = ['#1d4ed8', '#2563eb', '#3b82f6', '#60a5fa', '#93c5fd', '#bfdbfe'];

/** One row per calendar month, one key per cohort: the revenue that cohort brought that month. */
function revenueByMonth(cohorts: Cohorts['cohorts']): Record<string, string | number>[] {
  const rows = new Map<string, Record<string, string | number>>();
  for (const c of cohorts)
    for (const m of c.months) {
      const row = rows.get(m.month) ?? { month: m.month };
      row[c.cohort] = m.revenue;
      rows.set(m.month, row);
    }
  return [...rows.values()].sort((a, b) => String(a.month).localeCompare(String(b.month)));
}

type Basis = Cohorts['basis'];
/** A label for every basis the API has: a new one fails the typecheck until it is named here. */
const BASES: Record<Basis, string> = { first_purchase: 'First purchase', first_seen: 'First seen' };

export function CohortsView() {
  const [months, setMonths] = useState(lastMonths(6));
  const [basis, setBasis] = useState<Basis>('first_purchase');
  const cohorts = useCohorts({ ...months, basis });
  const widest = Math.max(0, ...(cohorts.data?.cohorts.map((c) => c.months.length) ?? []));
  return (
    <section aria-label="Cohorts">
      <h2>Cohorts by {BASES[basis].toLowerCase()}</h2>
      <div className="toolbar">
        <label>
          Customers by{' '}
          <select value={basis} onChange={(e) => setBasis(e.target.value as Basis)}>
            {Object.entries(BASES).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          From{' '}
          <input type="month" value={months.from} onChange={(e) => setMonths({ ...months, from: e.target.value })} />
        </label>
        <label>
          To <input type="month" value={months.to} onChange={(e) => setMonths({ ...months, to: e.target.value })} />
        </label>
      </div>
      {cohorts.isPending && <Loading what="the cohorts" />}
      {cohorts.isError && <ProblemView error={cohorts.error} />}
      {cohorts.data?.cohorts.length === 0 && (
        <Empty>No customers {basis === 'first_seen' ? 'first seen' : 'first purchased'} in these months.</Empty>
      )}
      {cohorts.data && cohorts.data.cohorts.length > 0 && (
        <>
          <table className="cohorts" aria-label="Retention by cohort">
            <thead>
              <tr>
                <th scope="col">Cohort</th>
                <th scope="col" className="number">
                  Customers
                </th>
                {Array.from({ length: widest }, (_, i) => (
                  <th scope="col" key={i} className="number">
                    Month {i}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {cohorts.data.cohorts.map((c) => (
                <tr key={c.cohort} data-cohort={c.cohort}>
                  <th scope="row">{c.cohort}</th>
                  <td className="number">{c.customers}</td>
                  {c.months.map((m) => (
                    <td
                      key={m.offset}
                      className="number cell"
                      data-offset={m.offset}
                      title={`${m.customers} customers, revenue ${money(m.revenue)}`}
                      style={{ background: `rgb(37 99 235 / ${Math.round(m.retention * 85) + 5}%)` }}
                    >
                      {percent(m.retention)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <figure className="chart" aria-label="Revenue by cohort">
            <ResponsiveContainer width="100%" height={240}>
              <BarChart data={revenueByMonth(cohorts.data.cohorts)}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="month" />
                <YAxis />
                <Tooltip />
                <Legend />
                {cohorts.data.cohorts.map((c, i) => (
                  <Bar
                    key={c.cohort}
                    dataKey={c.cohort}
                    stackId="revenue"
                    fill={COLORS[i % COLORS.length]}
                    isAnimationActive={false}
                  />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </figure>
        </>
      )}
    </section>
  );
}
