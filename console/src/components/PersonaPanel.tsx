// A segment's persona: its size over time, its value and engagement beside every customer's, the
// categories its members buy, where they live, and how it overlaps with the other segments.
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { usePersona, type Persona } from '../api/audience-queries';
import { money, percent } from '../analytics/period';
import { Figure } from './Figure';
import { Empty, Loading, ProblemView } from './states';

type Compared = Persona['value']['averageOrderValue'];

/** "base 12.5 · 2.3×": the base's figure and how many times it the segment's is. */
const against = (f: Compared, show: (n: number) => string = money) =>
  `base ${show(f.base)}${f.index === null ? '' : ` · ${f.index}×`}`;

const VALUE_ROWS = [
  ['Lifetime value (mean)', (p: Persona) => p.value.lifetimeValue.mean],
  ['Lifetime value (median)', (p: Persona) => p.value.lifetimeValue.median],
  ['Average order value', (p: Persona) => p.value.averageOrderValue],
] as const;

export function PersonaPanel(props: { segmentId: string; members: number }) {
  const persona = usePersona(props.segmentId, props.members);
  if (persona.isPending) return <Loading what="the persona" />;
  if (persona.isError) return <ProblemView error={persona.error} />;
  const p = persona.data;
  const e = p.engagement;
  return (
    <section aria-label="Persona">
      <h2>Persona</h2>
      <p className="muted">
        Its {p.members} members beside every customer; the base&apos;s figures as read at{' '}
        {new Date(p.baseAt).toLocaleString()}.
      </p>
      <div className="figures">
        <Figure label="Share of customers" value={percent(p.share)} note={`${p.members} of ${p.customers}`} />
        {VALUE_ROWS.map(([label, read]) => (
          <Figure key={label} label={label} value={money(read(p).segment)} note={against(read(p))} />
        ))}
        <Figure label="Orders per customer" value={money(p.value.orders.segment)} note={against(p.value.orders)} />
        <Figure label="Buyers" value={percent(p.value.buyers.segment)} note={against(p.value.buyers, percent)} />
        <Figure label="Opens (30 d)" value={money(e.opens30d.segment)} note={against(e.opens30d)} />
        <Figure label="Clicks (30 d)" value={money(e.clicks30d.segment)} note={against(e.clicks30d)} />
        <Figure
          label="Messages sent (30 d)"
          value={money(e.messagesSent30d.segment)}
          note={against(e.messagesSent30d)}
        />
      </div>
      <div className="columns">
        <figure className="chart" aria-label="Size over time">
          <figcaption>Size over time</figcaption>
          <ResponsiveContainer width="100%" height={220}>
            <LineChart data={p.sizeOverTime.points}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="start" />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Line type="stepAfter" dataKey="members" name="Members" stroke="#2563eb" isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </figure>
        <figure className="chart" aria-label="Value against every customer">
          <figcaption>Value against every customer</figcaption>
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={VALUE_ROWS.map(([label, read]) => ({ label, ...read(p) }))}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="label" />
              <YAxis />
              <Tooltip />
              <Legend />
              <Bar dataKey="segment" name="This segment" fill="#2563eb" isAnimationActive={false} />
              <Bar dataKey="base" name="Every customer" fill="#94a3b8" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </figure>
      </div>
      <div className="columns">
        <figure className="chart" aria-label="Top categories">
          <figcaption>Top categories, share of revenue</figcaption>
          {p.categories.length === 0 ? (
            <Empty>No purchases by members.</Empty>
          ) : (
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={p.categories.map((c) => ({ ...c, category: c.category ?? 'none' }))} layout="vertical">
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis type="number" tickFormatter={percent} />
                <YAxis type="category" dataKey="category" width={100} />
                <Tooltip formatter={(v) => percent(Number(v))} />
                <Legend />
                <Bar dataKey="share" name="Members" fill="#2563eb" isAnimationActive={false} />
                <Bar dataKey="baseShare" name="Every customer" fill="#94a3b8" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          )}
        </figure>
        <figure className="chart" aria-label="Overlap with other segments">
          <figcaption>Overlap with other segments</figcaption>
          {p.overlaps.length === 0 ? (
            <Empty>No other segment.</Empty>
          ) : (
            <table className="compact">
              <thead>
                <tr>
                  <th scope="col">Segment</th>
                  <th scope="col" className="number">
                    In both
                  </th>
                  <th scope="col" className="number">
                    Of this one
                  </th>
                  <th scope="col" className="number">
                    Of that one
                  </th>
                  <th scope="col" className="number">
                    Index
                  </th>
                </tr>
              </thead>
              <tbody>
                {p.overlaps.map((o) => (
                  <tr key={o.segmentId} data-overlap={o.segmentId}>
                    <td>{o.name}</td>
                    <td className="number">{o.both}</td>
                    <td className="number">{percent(o.shareOfThis)}</td>
                    <td className="number">{percent(o.shareOfOther)}</td>
                    <td className="number">{o.index === null ? '—' : `${o.index}×`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>Countries</h3>
          <ul>
            {p.countries.map((c) => (
              <li key={c.country ?? ''}>
                {c.country ?? 'unknown'}: {c.members} ({percent(c.share)}, base {percent(c.baseShare)})
              </li>
            ))}
          </ul>
        </figure>
      </div>
    </section>
  );
}
