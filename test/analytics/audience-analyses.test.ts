// Each audience analysis against a model computed in TypeScript from the same small random audience
// (test/analytics/audience-model.ts), on real PostgreSQL with the rollups built as the writers and
// the refresher build them.
import fc from 'fast-check';
import { audienceCohorts } from '../../src/analytics/audience-cohorts';
import { audienceFunnel } from '../../src/analytics/audience-funnel';
import { audienceGeography } from '../../src/analytics/audience-geography';
import { audienceRace } from '../../src/analytics/audience-race';
import { audienceTrends } from '../../src/analytics/audience-trends';
import { funnelQuery } from '../../src/contracts/requests/audience-queries';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import {
  audienceArb,
  BASE,
  cents,
  dayOf,
  endOf,
  monthOf,
  normalise,
  ratio,
  seedAudience,
  startOf,
  TYPES,
  type Audience,
} from './audience-model';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

const TABLES = [
  'segment_memberships',
  'segments',
  'events',
  'order_lines',
  'messages',
  'journey_steps',
  'customer_traits',
  'products',
  'customers',
  'audience_event_days',
  'audience_event_deltas',
  'audience_dirty_buyers',
  'audience_buyer_days',
  'audience_order_days',
  'audience_cohort_cells',
  'audience_buyer_seen',
  'audience_seen_cohort_cells',
  'audience_seen_shifts',
  'audience_message_days',
  'audience_watermarks',
  'audience_active_days',
  'audience_active_marks',
  'audience_active_counts',
];

async function reseed(a: Audience): Promise<void> {
  await database.db.$executeRawUnsafe(`TRUNCATE ${TABLES.join(', ')} CASCADE`);
  await seedAudience(database.db, a);
}

const periodArb = fc.tuple(fc.integer({ min: 0, max: 119 }), fc.integer({ min: 0, max: 119 })).map(([a, b]) => ({
  from: dayOf(BASE + Math.min(a, b) * 86_400_000),
  to: dayOf(BASE + Math.max(a, b) * 86_400_000),
}));
const RUNS = { numRuns: 12 };

test('a funnel counts, per split group, the customers reaching each step in order within the window', async () => {
  await fc.assert(
    fc.asyncProperty(
      audienceArb(),
      periodArb,
      fc.array(fc.constantFrom(...TYPES), { minLength: 2, maxLength: 4 }),
      fc.constantFrom('36h', '7d', '30d'),
      fc.constantFrom(undefined, 'program' as const, 'version' as const, 'variant' as const, 'segment' as const),
      async (raw, period, steps, window, split) => {
        const a = normalise(raw);
        await reseed(a);
        const q = funnelQuery.parse({
          ...period,
          steps: steps.join(','),
          window,
          split,
          ...(split === 'version' || split === 'variant' ? { program: 'p-a' } : {}),
        });
        const got = await audienceFunnel(database.db, q);

        const from = startOf(period.from);
        const end = endOf(period.to);
        const groupsOf = (c: number, t1: number): (string | null)[] =>
          split === undefined
            ? [null]
            : split === 'segment'
              ? a.spells
                  .filter((s) => s.c === c && s.entered <= t1 && (s.left === null || s.left > t1))
                  .map((s) => s.segment)
              : [
                  ...new Set(
                    a.entries
                      .filter(
                        (e) => e.c === c && e.at >= from && e.at < end && (split === 'program' || e.program === 'p-a'),
                      )
                      .map((e) =>
                        split === 'program' ? e.program : split === 'version' ? String(e.version) : e.variant,
                      ),
                  ),
                ];
        const expected = new Map<string | null, number[]>();
        if (split === undefined)
          expected.set(
            null,
            steps.map(() => 0),
          );
        a.customers.forEach((_, c) => {
          const mine = a.events.filter((e) => e.c === c);
          const firsts = mine.filter((e) => e.type === steps[0] && e.at >= from && e.at < end).map((e) => e.at);
          if (!firsts.length) return;
          const t1 = Math.min(...firsts);
          let reached = 1;
          let t = t1;
          for (const type of steps.slice(1)) {
            const next = mine.filter((e) => e.type === type && e.at > t && e.at <= t1 + q.window).map((e) => e.at);
            if (!next.length) break;
            t = Math.min(...next);
            reached++;
          }
          for (const key of groupsOf(c, t1)) {
            const counts = expected.get(key) ?? steps.map(() => 0);
            for (let i = 0; i < reached; i++) counts[i]!++;
            expected.set(key, counts);
          }
        });
        const byKey = Object.fromEntries(got.groups.map((g) => [String(g.key), g.steps.map((s) => s.customers)]));
        expect(byKey).toEqual(Object.fromEntries([...expected].map(([k, v]) => [String(k), v])));
        for (const g of got.groups)
          g.steps.forEach((s, i) => {
            expect(s.conversion).toBe(ratio(s.customers, g.steps[0]!.customers));
            if (i > 0) expect(s.dropOff).toBe(g.steps[i - 1]!.customers - s.customers);
          });
      },
    ),
    { numRuns: 25 },
  );
});

test.each(['first_purchase', 'first_seen'] as const)(
  'cohorts by %s month: their customers, who of them purchased in each month after, revenue',
  async (basis) => {
    await fc.assert(
      fc.asyncProperty(audienceArb(), async (raw) => {
        const a = normalise(raw);
        await reseed(a);
        const got = await audienceCohorts(database.db, { from: '2026-01', to: '2026-12', basis });

        const months = new Map<number, Map<string, number>>(); // customer → month → revenue cents
        for (const l of a.lines) {
          const m = months.get(l.c) ?? new Map<string, number>();
          m.set(monthOf(l.at), (m.get(monthOf(l.at)) ?? 0) + cents((l.price ?? 0) * l.quantity));
          months.set(l.c, m);
        }
        // First seen: the profile's month or the first purchase's, whichever is earlier.
        const cohortOf = (c: number) => {
          const first = [...(months.get(c)?.keys() ?? [])].sort()[0];
          const seen = monthOf(a.customers[c]!.seen);
          return basis === 'first_purchase' ? first : first !== undefined && first < seen ? first : seen;
        };
        const sizes = new Map<string, number>();
        const cells = new Map<string, { customers: number; cents: number }>();
        a.customers.forEach((_, c) => {
          const cohort = cohortOf(c);
          if (cohort === undefined) return;
          sizes.set(cohort, (sizes.get(cohort) ?? 0) + 1);
          for (const [month, cs] of months.get(c) ?? []) {
            const cell = cells.get(`${cohort} ${month}`) ?? { customers: 0, cents: 0 };
            cells.set(`${cohort} ${month}`, { customers: cell.customers + 1, cents: cell.cents + cs });
          }
        });
        expect(got.basis).toBe(basis);
        expect(Object.fromEntries(got.cohorts.map((c) => [c.cohort, c.customers]))).toEqual(Object.fromEntries(sizes));
        const gotCells = new Map<string, { customers: number; cents: number }>();
        for (const c of got.cohorts)
          for (const m of c.months) {
            if (m.customers)
              gotCells.set(`${c.cohort} ${m.month}`, { customers: m.customers, cents: cents(m.revenue) });
            expect(m.retention).toBe(ratio(m.customers, c.customers));
          }
        expect(Object.fromEntries(gotCells)).toEqual(Object.fromEntries(cells));
      }),
      RUNS,
    );
  },
);

test('trends: per day of the period and the one before, events by type, orders, revenue, messages', async () => {
  await fc.assert(
    fc.asyncProperty(audienceArb(), periodArb, async (raw, period) => {
      const a = normalise(raw);
      await reseed(a);
      const got = await audienceTrends(database.db, { ...period, interval: 'day' });

      const days = got.points.length;
      const prevFrom = startOf(period.from) - days * 86_400_000;
      const inRange = (at: number, from: number) => at >= from && at < from + days * 86_400_000;
      const totals = (from: number) => {
        const events: Record<string, number> = {};
        for (const e of a.events.filter((e) => inRange(e.at, from))) events[e.type] = (events[e.type] ?? 0) + 1;
        const messages: Record<string, number> = {};
        for (const m of a.messages.filter((m) => inRange(m.at, from)))
          messages[m.status] = (messages[m.status] ?? 0) + 1;
        const lines = a.lines.filter((l) => inRange(l.at, from));
        const orders = new Set(lines.map((l) => l.order)).size;
        const revenue = lines.reduce((n, l) => n + cents((l.price ?? 0) * l.quantity), 0) / 100;
        return { events, messages, orders, revenue, conversions: 0 };
      };
      expect(got.totals).toEqual({ current: totals(startOf(period.from)), previous: totals(prevFrom) });
      expect(got.previousPeriod.to).toBe(dayOf(startOf(period.from) - 86_400_000));
      const sum = got.points.reduce((n, p) => n + Object.values(p.current.events).reduce((x, y) => x + y, 0), 0);
      expect(sum).toBe(Object.values(got.totals.current.events).reduce((x, y) => x + y, 0));
    }),
    RUNS,
  );
});

test('geography: customers by current country and region, who ordered in the period, revenue, conversion', async () => {
  await fc.assert(
    fc.asyncProperty(audienceArb(), periodArb, async (raw, period) => {
      const a = normalise(raw);
      await reseed(a);
      const got = await audienceGeography(database.db, period);

      const expected = new Map<string, { customers: number; buyers: number; cents: number }>();
      a.customers.forEach((x, c) => {
        if (!x.traits) return;
        const key = `${x.country}/${x.region}`;
        const lines = a.lines.filter((l) => l.c === c && l.at >= startOf(period.from) && l.at < endOf(period.to));
        const place = expected.get(key) ?? { customers: 0, buyers: 0, cents: 0 };
        place.customers++;
        if (lines.length) place.buyers++;
        place.cents += lines.reduce((n, l) => n + cents((l.price ?? 0) * l.quantity), 0);
        expected.set(key, place);
      });
      const regions = got.countries.flatMap((country) =>
        country.regions.map((r) => [
          `${country.country}/${r.region}`,
          { customers: r.customers, buyers: r.buyers, cents: cents(r.revenue) },
        ]),
      );
      expect(Object.fromEntries(regions)).toEqual(Object.fromEntries(expected));
      for (const country of got.countries) {
        expect(country.customers).toBe(country.regions.reduce((n, r) => n + r.customers, 0));
        expect(country.conversion).toBe(ratio(country.buyers, country.customers));
      }
    }),
    RUNS,
  );
});

test('RACE: distinct customers reached, acting, converting and buying again in the period', async () => {
  await fc.assert(
    fc.asyncProperty(audienceArb(), periodArb, async (raw, period) => {
      const a = normalise(raw);
      await reseed(a);
      const got = await audienceRace(database.db, period);

      const from = startOf(period.from);
      const end = endOf(period.to);
      const inPeriod = (at: number) => at >= from && at < end;
      const who = (xs: { c: number }[]) => new Set(xs.map((x) => x.c)).size;
      const events = (types: string[]) => a.events.filter((e) => types.includes(e.type) && inPeriod(e.at));
      const buyers = new Set(a.lines.filter((l) => inPeriod(l.at)).map((l) => l.c));
      const ordersBy = (c: number, until: number) =>
        new Set(a.lines.filter((l) => l.c === c && l.at < until).map((l) => l.order)).size;
      expect(got).toEqual({
        period,
        reach: {
          messaged: who(a.messages.filter((m) => m.status === 'sent' && inPeriod(m.at))),
          delivered: who(events(['email_delivered'])),
        },
        act: {
          customers: who(events(['email_opened', 'email_clicked', 'page_view', 'site_visit'])),
          emailEngaged: who(events(['email_opened', 'email_clicked'])),
          visited: who(events(['page_view', 'site_visit'])),
        },
        convert: { customers: buyers.size },
        engage: { customers: [...buyers].filter((c) => ordersBy(c, end) >= 2).length },
      });
    }),
    RUNS,
  );
});
