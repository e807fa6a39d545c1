// A small random audience with segments, written straight to the tables, and what its persona
// must say, computed here without SQL: the model the persona is checked against.
import fc from 'fast-check';
import type { Db } from '../../src/db/prisma';

export const BASE = Date.UTC(2026, 8, 1); // 2026-09-01
export const DAY = 86_400_000;
/** The persona's "now": the 30-day engagement window starts 30 days before it. */
export const NOW = BASE + 40 * DAY;
export const SEGMENTS = ['s-0', 's-1', 's-2'];
const PRODUCTS: (string | null)[] = ['books', 'garden', null, 'books'];

interface Traits {
  spentCents: number;
  orders: number;
  opens: number;
  clicks: number;
  country: string | null;
}

export interface Audience {
  customers: { merged: boolean; traits: Traits | null }[];
  lines: { c: number; order: number; product: number; quantity: number; priceCents: number | null }[];
  messages: { c: number; status: string; at: number }[];
  spells: { segment: number; c: number; entered: number; left: number | null }[];
  archived: boolean[];
}

const minute = (max: number) => fc.integer({ min: 0, max }).map((m) => m * 60_000);

/** Spells of one customer in one segment: one after the other, only the last may be open. */
const spellsArb = fc
  .array(fc.tuple(minute(20 * 24 * 60), fc.option(minute(20 * 24 * 60), { nil: null })), { maxLength: 3 })
  .map((gaps) => {
    const out: { entered: number; left: number | null }[] = [];
    let t = BASE;
    for (const [gap, length] of gaps) {
      const entered = t + gap;
      const left = length === null ? null : entered + length;
      out.push({ entered, left });
      if (left === null) break;
      t = left;
    }
    return out;
  });

export const audienceArb = (customers = 9): fc.Arbitrary<Audience> => {
  const c = fc.integer({ min: 0, max: customers - 1 });
  const traits = fc.record({
    spentCents: fc.integer({ min: 0, max: 50_000 }),
    orders: fc.integer({ min: 0, max: 6 }),
    opens: fc.integer({ min: 0, max: 9 }),
    clicks: fc.integer({ min: 0, max: 4 }),
    country: fc.constantFrom('FR', 'DE', 'JP', null),
  });
  return fc.record({
    customers: fc.array(
      fc.record({
        merged: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
        traits: fc.option(traits, { nil: null }),
      }),
      {
        minLength: customers,
        maxLength: customers,
      },
    ),
    lines: fc.uniqueArray(
      fc.record({
        c,
        order: fc.integer({ min: 0, max: 15 }),
        product: fc.integer({ min: 0, max: PRODUCTS.length - 1 }),
        quantity: fc.integer({ min: 1, max: 3 }),
        priceCents: fc.option(fc.integer({ min: 1, max: 9999 }), { nil: null }),
      }),
      { selector: (l) => `${l.order}/${l.product}`, maxLength: 25 },
    ),
    messages: fc.array(
      fc.record({ c, status: fc.constantFrom('sent', 'skipped'), at: minute(60 * 24 * 60).map((m) => BASE + m) }),
      {
        maxLength: 15,
      },
    ),
    spells: fc
      .array(fc.tuple(fc.integer({ min: 0, max: SEGMENTS.length - 1 }), c, spellsArb), { maxLength: 20 })
      .map((pairs) => {
        const seen = new Set<string>();
        return pairs
          .filter(([s, who]) => !seen.has(`${s}/${who}`) && seen.add(`${s}/${who}`))
          .flatMap(([segment, who, spells]) => spells.map((sp) => ({ segment, c: who, ...sp })));
      }),
    archived: fc.array(fc.boolean(), { minLength: SEGMENTS.length, maxLength: SEGMENTS.length }),
  });
};

/** Merged customers keep no traits, lines or spells of their own: a merge moves them to the survivor. */
export function normalise(a: Audience): Audience {
  const live = (c: number) => !a.customers[c]!.merged;
  return {
    ...a,
    customers: a.customers.map((x) => (x.merged ? { merged: true, traits: null } : x)),
    lines: a.lines.filter((l) => live(l.c)),
    spells: a.spells.filter((s) => live(s.c)),
  };
}

const id = (c: number) => `cust-${c}`;
const iso = (at: number) => new Date(at).toISOString();
const json = (rows: unknown[]) => JSON.stringify(rows);

export async function seedAudience(db: Db, a: Audience): Promise<void> {
  const sql = (statement: string, rows: unknown[]) => db.$executeRawUnsafe(statement, json(rows));
  await sql(
    `INSERT INTO customers (id, merged_into, updated_at)
     SELECT id, CASE WHEN merged THEN 'cust-0' END, now()
       FROM jsonb_to_recordset($1::jsonb) AS t(id text, merged boolean)`,
    a.customers.map((x, c) => ({ id: id(c), merged: x.merged })),
  );
  await sql(
    `INSERT INTO customer_traits (customer_id, total_spent, order_count, opens_30d, clicks_30d, country)
     SELECT id, cents / 100.0, orders, opens, clicks, country
       FROM jsonb_to_recordset($1::jsonb) AS t(id text, cents int, orders int, opens int, clicks int, country text)`,
    a.customers.flatMap((x, c) => (x.traits ? [{ id: id(c), cents: x.traits.spentCents, ...x.traits }] : [])),
  );
  await sql(
    `INSERT INTO products (id, name, category) SELECT 'prod-' || n, 'product', category
       FROM jsonb_to_recordset($1::jsonb) AS t(n int, category text)`,
    PRODUCTS.map((category, n) => ({ n, category })),
  );
  await sql(
    `INSERT INTO order_lines (order_id, product_id, customer_id, quantity, price, ordered_at)
     SELECT 'order-' || o, 'prod-' || p, id, q, cents / 100.0, now() AT TIME ZONE 'UTC'
       FROM jsonb_to_recordset($1::jsonb) AS t(o int, p int, id text, q int, cents int)`,
    a.lines.map((l) => ({ o: l.order, p: l.product, id: id(l.c), q: l.quantity, cents: l.priceCents })),
  );
  await sql(
    `INSERT INTO messages (key, customer_id, enrollment_id, program_id, step_id, channel, template_id, status,
                           scheduled_at, created_at)
     SELECT 'msg-' || n, id, 'enr', 'p-a', 's1', 'email', 't', status, at AT TIME ZONE 'UTC', at AT TIME ZONE 'UTC'
       FROM jsonb_to_recordset($1::jsonb) AS t(id text, status text, at timestamptz, n int)`,
    a.messages.map((m, n) => ({ id: id(m.c), status: m.status, at: iso(m.at), n })),
  );
  await sql(
    `INSERT INTO segments (id, name, draft, archived_at)
     SELECT id, 'Segment ' || id, '{}', CASE WHEN archived THEN now() END
       FROM jsonb_to_recordset($1::jsonb) AS t(id text, archived boolean)`,
    SEGMENTS.map((s, n) => ({ id: s, archived: a.archived[n] })),
  );
  await sql(
    `INSERT INTO segment_memberships (segment_id, customer_id, spell, version, entered_at, left_at)
     SELECT segment, id, spell, 1, entered AT TIME ZONE 'UTC', left_at AT TIME ZONE 'UTC'
       FROM jsonb_to_recordset($1::jsonb)
            AS t(segment text, id text, spell int, entered timestamptz, left_at timestamptz)`,
    a.spells.map((s, n) => ({
      segment: SEGMENTS[s.segment],
      id: id(s.c),
      spell: n + 1,
      entered: iso(s.entered),
      left_at: s.left === null ? null : iso(s.left),
    })),
  );
}

export const dayOf = (at: number) => iso(at).slice(0, 10);
export const categoryOf = (product: number) => PRODUCTS[product]!;

const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;
const share = (part: number, whole: number) => (whole ? round(part / whole, 4) : 0);
const mean = (total: number, n: number) => (n ? round(total / n, 2) : 0);
const money = (cents: number, n: number) => (n ? Math.round(cents / n) / 100 : 0);
const index = (segment: number, base: number) => (base ? round(segment / base, 2) : null);
const figure = (segment: number, base: number) => ({ segment, base, index: index(segment, base) });
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

function median(cents: number[]): number {
  if (!cents.length) return 0;
  const s = [...cents].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return (s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2) / 100;
}

/** A population's value and engagement figures, from its customers' traits (none: all zero). */
function values(a: Audience, who: number[], sent: (c: number) => number) {
  const t = who.map((c) => a.customers[c]!.traits);
  const spent = t.map((x) => x?.spentCents ?? 0);
  const orders = sum(t.map((x) => x?.orders ?? 0));
  return {
    ltvMean: money(sum(spent), who.length),
    ltvMedian: median(spent),
    aov: money(sum(spent), orders),
    orders: mean(orders, who.length),
    buyers: share(t.filter((x) => (x?.orders ?? 0) > 0).length, who.length),
    opens: mean(sum(t.map((x) => x?.opens ?? 0)), who.length),
    clicks: mean(sum(t.map((x) => x?.clicks ?? 0)), who.length),
    sent: mean(sum(who.map(sent)), who.length),
  };
}

const byKey = <T, K>(xs: T[], key: (x: T) => K, value: (x: T) => number) => {
  const m = new Map<K, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + value(x));
  return m;
};

/** What the persona of segment `subject` must say at NOW, for a size-over-time period and interval. */
export function expectedPersona(
  a: Audience,
  subject: number,
  period: { from: string; to: string },
  interval: 'day' | 'week',
) {
  const everyone = a.customers.flatMap((x, c) => (x.merged ? [] : [c]));
  const openIn = (s: number) => a.spells.filter((sp) => sp.segment === s && sp.left === null).map((sp) => sp.c);
  const members = openIn(subject);
  const inThis = new Set(members);
  const sent = (c: number) =>
    a.messages.filter((m) => m.c === c && m.status === 'sent' && m.at >= NOW - 30 * DAY).length;
  const [m, b] = [values(a, members, sent), values(a, everyone, sent)];

  const days = (Date.parse(period.to) - Date.parse(period.from)) / DAY + 1;
  const step = interval === 'day' ? 1 : 7;
  const points = [];
  for (let i = 0; i < days; i += step) {
    const last = Math.min(i + step, days) - 1;
    const end = Date.parse(period.from) + (last + 1) * DAY;
    const spells = a.spells.filter(
      (sp) => sp.segment === subject && sp.entered < end && (sp.left === null || sp.left >= end),
    );
    points.push({ start: dayOf(Date.parse(period.from) + i * DAY), end: dayOf(end - DAY), members: spells.length });
  }

  const revenue = (l: Audience['lines'][number]) => (l.priceCents ?? 0) * l.quantity;
  const memberRevenue = byKey(
    a.lines.filter((l) => inThis.has(l.c)),
    (l) => categoryOf(l.product),
    revenue,
  );
  const baseRevenue = byKey(a.lines, (l) => categoryOf(l.product), revenue);
  const [memberTotal, baseTotal] = [sum([...memberRevenue.values()]), sum([...baseRevenue.values()])];
  const byName = (x: string | null, y: string | null) => (x ?? '').localeCompare(y ?? '');

  const country = (c: number) => a.customers[c]!.traits?.country ?? null;
  const memberCountries = byKey(members, country, () => 1);
  const baseCountries = byKey(everyone, country, () => 1);

  return {
    segment: { id: SEGMENTS[subject], name: `Segment ${SEGMENTS[subject]}` },
    customers: everyone.length,
    baseAt: new Date(NOW),
    members: members.length,
    share: share(members.length, everyone.length),
    sizeOverTime: { interval, period, points },
    value: {
      lifetimeValue: { mean: figure(m.ltvMean, b.ltvMean), median: figure(m.ltvMedian, b.ltvMedian) },
      averageOrderValue: figure(m.aov, b.aov),
      orders: figure(m.orders, b.orders),
      buyers: figure(m.buyers, b.buyers),
    },
    engagement: {
      opens30d: figure(m.opens, b.opens),
      clicks30d: figure(m.clicks, b.clicks),
      // Every message sent counts in the base, a merged customer's too: it was sent to someone.
      messagesSent30d: figure(m.sent, mean(sum(a.customers.map((_, c) => sent(c))), everyone.length)),
    },
    categories: [...memberRevenue]
      .map(([category, cents]) => {
        const s = share(cents, memberTotal);
        const base = share(baseRevenue.get(category) ?? 0, baseTotal);
        return { category, revenue: cents / 100, share: s, baseShare: base, index: index(s, base) };
      })
      .sort((x, y) => y.revenue - x.revenue || byName(x.category, y.category)),
    countries: [...memberCountries]
      .map(([c, n]) => {
        const s = share(n, members.length);
        const base = share(baseCountries.get(c) ?? 0, everyone.length);
        return { country: c, members: n, share: s, baseShare: base, index: index(s, base) };
      })
      .sort((x, y) => y.members - x.members || byName(x.country, y.country)),
    overlaps: SEGMENTS.flatMap((id, s) => {
      if (s === subject || a.archived[s]) return [];
      const theirs = openIn(s);
      const both = theirs.filter((c) => inThis.has(c)).length;
      const shareOfThis = share(both, members.length);
      const baseShare = share(theirs.length, everyone.length);
      return [
        {
          segmentId: id,
          name: `Segment ${id}`,
          members: theirs.length,
          both,
          shareOfThis,
          shareOfOther: share(both, theirs.length),
          baseShare,
          index: index(shareOfThis, baseShare),
        },
      ];
    }).sort((x, y) => y.both - x.both || x.segmentId.localeCompare(y.segmentId)),
  };
}
