// Each computed trait a segment may read, as SQL over `t` (the customer's customer_traits row,
// LEFT JOINed: no row is no purchases and no engagement) at the instant `now`. Derived traits are
// computed here from the stored columns, the way conditions see them: instants as ISO strings,
// a missing value as JSON null.
import type { SegmentTrait } from '../contracts/program-language/segment-schema';

const iso = (column: string) => `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const DAY_S = 86_400;

/** The jsonb value of `traits.<name>`: never SQL NULL (a trait with no value is JSON null). */
export function traitSql(name: SegmentTrait, now: string): string {
  return `coalesce(to_jsonb(${TRAITS[name](now)}), 'null'::jsonb)`;
}

const TRAITS: Record<SegmentTrait, (now: string) => string> = {
  orderCount: () => 'coalesce(t.order_count, 0)',
  totalSpent: () => 'coalesce(t.total_spent, 0)',
  averageOrderValue: () => 'CASE WHEN t.order_count > 0 THEN round(t.total_spent / t.order_count, 2) END',
  firstPurchaseAt: () => iso('t.first_purchase_at'),
  lastPurchaseAt: () => iso('t.last_purchase_at'),
  // Whole days, rounded down: "no purchase for 60 days" is daysSinceLastPurchase >= 60.
  daysSinceLastPurchase: (now) => `floor(extract(epoch FROM ${now} - t.last_purchase_at) / ${DAY_S})::int`,
  // The mean gap between first and last purchase, in days to one decimal; needs two orders.
  purchaseCadenceDays: () =>
    `CASE WHEN t.order_count > 1 THEN round((extract(epoch FROM t.last_purchase_at - t.first_purchase_at)` +
    ` / ${DAY_S} / (t.order_count - 1))::numeric, 1) END`,
  favouriteCategory: () => 't.favourite_category',
  value12m: () => 'coalesce(t.value_12m, 0)',
  opens30d: () => 'coalesce(t.opens_30d, 0)',
  clicks30d: () => 'coalesce(t.clicks_30d, 0)',
  'rfm.recency': () => 't.rfm_recency',
  'rfm.frequency': () => 't.rfm_frequency',
  'rfm.monetary': () => 't.rfm_monetary',
  country: () => 't.country',
  region: () => 't.region',
};
