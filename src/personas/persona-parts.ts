// The parts of a persona made from the statements' rows: a population's values, its categories,
// countries and overlaps, each beside the base's share and the index between them.
import type { CategoryRow } from './activity-sql';
import { centsOf, indexOf, mean, perHead, ratio } from './figures';
import type { OverlapRow, SizeRow } from './overlap-sql';
import type { CountryRow, ProfileRow } from './population-sql';

const TOP_CATEGORIES = 10;

const byName = (a: string | null, b: string | null) => (a ?? '').localeCompare(b ?? '');

export function valuesOf(p: ProfileRow) {
  const spentCents = centsOf(p.spent);
  const orders = Number(p.orders);
  return {
    ltvMean: perHead(spentCents, p.customers),
    ltvMedian: p.median_cents === null ? 0 : Number(p.median_cents) / 100,
    aov: perHead(spentCents, orders),
    orders: mean(orders, p.customers),
    buyers: ratio(p.buyers, p.customers),
    opens: mean(Number(p.opens), p.customers),
    clicks: mean(Number(p.clicks), p.customers),
  };
}

export function categories(members: CategoryRow[], everyone: CategoryRow[]) {
  const total = (rows: CategoryRow[]) => rows.reduce((n, r) => n + centsOf(r.revenue), 0);
  const [memberTotal, baseTotal] = [total(members), total(everyone)];
  const baseOf = new Map(everyone.map((r) => [r.category, centsOf(r.revenue)]));
  return members
    .map((r) => {
      const share = ratio(centsOf(r.revenue), memberTotal);
      const baseShare = ratio(baseOf.get(r.category) ?? 0, baseTotal);
      const revenue = centsOf(r.revenue) / 100;
      return { category: r.category, revenue, share, baseShare, index: indexOf(share, baseShare) };
    })
    .sort((a, b) => b.revenue - a.revenue || byName(a.category, b.category))
    .slice(0, TOP_CATEGORIES);
}

export function countries(members: CountryRow[], everyone: CountryRow[], memberCount: number, customers: number) {
  const baseOf = new Map(everyone.map((r) => [r.country, r.customers]));
  return members
    .map((r) => {
      const share = ratio(r.customers, memberCount);
      const baseShare = ratio(baseOf.get(r.country) ?? 0, customers);
      return { country: r.country, members: r.customers, share, baseShare, index: indexOf(share, baseShare) };
    })
    .sort((a, b) => b.members - a.members || byName(a.country, b.country));
}

/** The other segment's size is the base's (as of its read): both may then exceed it, so its share is capped at 1. */
export function overlaps(rows: OverlapRow[], sizes: SizeRow[], size: number, customers: number) {
  const sizeOf = new Map(sizes.map((s) => [s.segment_id, s.members]));
  return rows
    .map((o) => {
      const members = sizeOf.get(o.segment_id) ?? 0;
      const shareOfThis = ratio(o.both, size);
      const baseShare = ratio(members, customers);
      return {
        segmentId: o.segment_id,
        name: o.name,
        members,
        both: o.both,
        shareOfThis,
        shareOfOther: Math.min(1, ratio(o.both, members)),
        baseShare,
        index: indexOf(shareOfThis, baseShare),
      };
    })
    .sort((a, b) => b.both - a.both || a.segmentId.localeCompare(b.segmentId));
}
