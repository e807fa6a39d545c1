// An independent model of segment membership in TypeScript, for the compiler's property tests:
// the definition judged over one customer held in memory, with the program evaluator
// (src/core/conditions.ts) for comparisons and plain loops for windows.
import { evaluate } from '../../src/core/conditions';
import { durationMs } from '../../src/contracts/program-language/durations';
import type { SegmentCondition } from '../../src/contracts/program-language/segment-schema';

export interface ModelEvent {
  type: string;
  at: number;
  properties: Record<string, unknown>;
}

export interface ModelTraits {
  orderCount: number;
  totalSpent: number;
  firstPurchaseAt: number | null;
  lastPurchaseAt: number | null;
  country: string | null;
  favouriteCategory: string | null;
}

export interface ModelCustomer {
  id: string;
  traits: Record<string, unknown>;
  tags: string[];
  email: string | null;
  /** No customer_traits row when null. */
  computed: ModelTraits | null;
  events: ModelEvent[];
}

const DAY = 86_400_000;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function traitsOf(t: ModelTraits | null, now: number): Record<string, unknown> {
  const orderCount = t?.orderCount ?? 0;
  const first = t?.firstPurchaseAt ?? null;
  const last = t?.lastPurchaseAt ?? null;
  return {
    orderCount,
    totalSpent: t?.totalSpent ?? 0,
    averageOrderValue: t && orderCount > 0 ? Math.round((t.totalSpent / orderCount) * 100) / 100 : null,
    firstPurchaseAt: iso(first),
    lastPurchaseAt: iso(last),
    daysSinceLastPurchase: last === null ? null : Math.floor((now - last) / DAY),
    purchaseCadenceDays:
      orderCount > 1 && first !== null && last !== null
        ? Math.round(((last - first) / DAY / (orderCount - 1)) * 10) / 10
        : null,
    favouriteCategory: t?.favouriteCategory ?? null,
    value12m: 0,
    opens30d: 0,
    clicks30d: 0,
    rfm: { recency: null, frequency: null, monetary: null },
    country: t?.country ?? null,
    region: null,
  };
}

type Filter = { type: string; where?: Parameters<typeof evaluate>[0] | undefined };
const matches = (e: ModelEvent, f: Filter) =>
  e.type === f.type && (!f.where || evaluate(f.where, { event: { properties: e.properties } }));

export function modelMember(condition: SegmentCondition, customer: ModelCustomer, now: number): boolean {
  const scope = {
    profile: {
      ...customer.traits,
      ...(customer.email === null ? {} : { email: customer.email }),
      id: customer.id,
      tags: customer.tags,
      timezone: null,
    },
    traits: traitsOf(customer.computed, now),
  };
  const judge = (c: SegmentCondition): boolean => {
    if ('all' in c) return c.all.every(judge);
    if ('any' in c) return c.any.some(judge);
    if ('not' in c) return !judge(c.not);
    if ('events' in c) {
      const from = now - durationMs(c.events.within);
      const n = customer.events.filter((e) => e.at > from && e.at <= now && matches(e, c.events)).length;
      const { gte, lte, eq } = c.events.count;
      return (gte === undefined || n >= gte) && (lte === undefined || n <= lte) && (eq === undefined || n === eq);
    }
    if ('sequence' in c) {
      const within = durationMs(c.sequence.within);
      const from = now - within - durationMs(c.sequence.lookback);
      return customer.events.some(
        (a) =>
          a.at > from &&
          a.at <= now - within &&
          matches(a, c.sequence.did) &&
          !customer.events.some((f) => f.at > a.at && f.at <= a.at + within && matches(f, c.sequence.notFollowedBy)),
      );
    }
    return evaluate(c, scope);
  };
  return judge(condition);
}
