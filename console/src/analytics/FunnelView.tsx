// The funnel: ordered event steps within a window, as bars of the customers who reached each step
// stacked on those who dropped off before it, with the conversion on each bar; one chart per group
// when split by program, version, variant or segment.
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, LabelList, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useFunnel, type Funnel } from '../api/analytics-queries';
import { Empty, Loading, ProblemView } from '../components/states';
import { percent } from './period';

const SPLITS = ['', 'program', 'version', 'variant', 'segment'] as const;

type Group = Funnel['groups'][number];

function FunnelChart(props: { group: Group; label: string }) {
  const data = props.group.steps.map((s) => ({
    ...s,
    conversionText: percent(s.conversion),
  }));
  return (
    <figure className="chart" aria-label={props.label}>
      <figcaption>{props.label}</figcaption>
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="type" />
          <YAxis allowDecimals={false} />
          <Tooltip />
          <Legend />
          <Bar dataKey="customers" name="Reached" stackId="step" fill="#2563eb" isAnimationActive={false}>
            <LabelList dataKey="conversionText" position="insideTop" fill="#fff" />
          </Bar>
          <Bar dataKey="dropOff" name="Dropped off" stackId="step" fill="#cbd5e1" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      <table className="compact">
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col" className="number">
              Customers
            </th>
            <th scope="col" className="number">
              Conversion
            </th>
            <th scope="col" className="number">
              From previous
            </th>
            <th scope="col" className="number">
              Dropped off
            </th>
          </tr>
        </thead>
        <tbody>
          {props.group.steps.map((s, i) => (
            <tr key={i} data-step={s.type}>
              <td>{s.type}</td>
              <td className="number" data-count="customers">
                {s.customers}
              </td>
              <td className="number">{percent(s.conversion)}</td>
              <td className="number">{percent(s.stepConversion)}</td>
              <td className="number">{s.dropOff}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

export function FunnelView(props: { period: { from: string; to: string } }) {
  const [form, setForm] = useState({ steps: 'page_view,add_to_cart,purchase', window: '7d', split: '', program: '' });
  const [asked, setAsked] = useState(form);
  const funnel = useFunnel(
    {
      ...props.period,
      steps: asked.steps.replace(/\s+/g, ''),
      window: asked.window,
      split: asked.split || undefined,
      program: asked.program || undefined,
    },
    asked.steps.includes(','),
  );
  const field = (name: keyof typeof form) => ({
    value: form[name],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value }),
  });
  return (
    <section aria-label="Funnel">
      <h2>Funnel</h2>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(form);
        }}
      >
        <label>
          Steps (event types, in order) <input size={40} {...field('steps')} />
        </label>
        <label>
          Within <input size={5} {...field('window')} />
        </label>
        <label>
          Split by{' '}
          <select {...field('split')}>
            {SPLITS.map((s) => (
              <option key={s} value={s}>
                {s || 'nothing'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Program <input size={12} {...field('program')} />
        </label>
        <button type="submit">Show funnel</button>
      </form>
      {funnel.isPending && funnel.fetchStatus !== 'idle' && <Loading what="the funnel" />}
      {funnel.isError && <ProblemView error={funnel.error} />}
      {funnel.data?.groups.length === 0 && <Empty>No customer reached the first step in the period.</Empty>}
      {funnel.data?.groups.map((g) => (
        <FunnelChart
          key={g.key ?? ''}
          group={g}
          label={funnel.data.split ? `Funnel for ${funnel.data.split} ${g.key ?? '(none)'}` : 'Funnel'}
        />
      ))}
    </section>
  );
}
