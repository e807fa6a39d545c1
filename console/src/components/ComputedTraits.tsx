// A customer's computed traits, as conditions and templates read them: what they bought and when,
// how often, what they like, how they engage, and their RFM quintiles as bars out of 5.
import { Bar, BarChart, LabelList, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import type { Answer } from '../api/client';
import type { ROUTES } from '../../../src/contracts/routes';
import { money } from '../analytics/period';
import { Figure } from './Figure';

type Traits = Answer<typeof ROUTES.customers.get>['computedTraits'];

const day = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString() : '—');
const orNone = (n: number | null, show: (n: number) => string = money) => (n === null ? '—' : show(n));

export function ComputedTraits(props: { traits: Traits }) {
  const t = props.traits;
  const rfm = [
    { score: 'Recency', value: t.rfm.recency ?? 0 },
    { score: 'Frequency', value: t.rfm.frequency ?? 0 },
    { score: 'Monetary', value: t.rfm.monetary ?? 0 },
  ];
  return (
    <section aria-label="Computed traits">
      <h2>Computed traits</h2>
      <div className="figures">
        <Figure label="Orders" value={t.orderCount} />
        <Figure label="Total spent" value={money(t.totalSpent)} note={`${money(t.value12m)} in 12 months`} />
        <Figure label="Average order value" value={orNone(t.averageOrderValue)} />
        <Figure
          label="Last purchase"
          value={day(t.lastPurchaseAt)}
          note={t.daysSinceLastPurchase === null ? 'never' : `${t.daysSinceLastPurchase} days ago`}
        />
        <Figure label="Buys every" value={orNone(t.purchaseCadenceDays, (n) => `${money(n)} days`)} />
        <Figure label="Favourite category" value={t.favouriteCategory ?? '—'} />
        <Figure label="Engagement (30 d)" value={`${t.opens30d} opens`} note={`${t.clicks30d} clicks`} />
        <Figure label="Place" value={t.country ?? '—'} note={t.region ?? undefined} />
      </div>
      <figure className="chart rfm" aria-label="RFM quintiles">
        <figcaption>
          RFM quintiles {t.rfm.recency === null && <span className="muted">(not scored yet: refreshed daily)</span>}
        </figcaption>
        <ResponsiveContainer width="100%" height={110}>
          <BarChart data={rfm} layout="vertical" margin={{ right: 32 }}>
            <XAxis type="number" domain={[0, 5]} ticks={[0, 1, 2, 3, 4, 5]} />
            <YAxis type="category" dataKey="score" width={80} />
            <Bar dataKey="value" fill="#2563eb" isAnimationActive={false}>
              <LabelList dataKey="value" position="right" />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </figure>
    </section>
  );
}
