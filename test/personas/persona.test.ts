// A segment's persona against a model computed in TypeScript from the same small random audience
// (test/personas/persona-model.ts), on real PostgreSQL: every figure, its base and index, the size
// over time by day and by week, categories, countries and overlaps.
import fc from 'fast-check';
import { personaQuery } from '../../src/contracts/routes/personas';
import { createPersonas } from '../../src/personas/persona';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import {
  audienceArb,
  BASE,
  DAY,
  dayOf,
  expectedPersona,
  normalise,
  NOW,
  SEGMENTS,
  seedAudience,
  type Audience,
} from './persona-model';

let database: TestDatabase;
/** A fixed clock, and the base's figures read on every call, so each run sees its own audience. */
let persona: ReturnType<typeof createPersonas>['persona'];
beforeAll(async () => {
  database = await createTestDatabase();
  persona = createPersonas({ db: database.db, clock: { now: () => new Date(NOW) }, baseMaxAgeMs: 0 }).persona;
});
afterAll(() => database.drop());

const TABLES = [
  'segment_memberships',
  'segments',
  'messages',
  'order_lines',
  'products',
  'customer_traits',
  'customers',
];

async function reseed(a: Audience): Promise<void> {
  await database.db.$executeRawUnsafe(`TRUNCATE ${TABLES.join(', ')} CASCADE`);
  await seedAudience(database.db, a);
}

/** Periods over the spells' 60 days and a little before and after. */
const periodArb = fc
  .tuple(fc.integer({ min: -3, max: 70 }), fc.integer({ min: 0, max: 30 }))
  .map(([start, length]) => ({ from: dayOf(BASE + start * DAY), to: dayOf(BASE + (start + length) * DAY) }));

test('every figure of a persona, beside the base and its index, is what the model computes', async () => {
  await fc.assert(
    fc.asyncProperty(
      audienceArb(),
      fc.integer({ min: 0, max: SEGMENTS.length - 1 }),
      periodArb,
      fc.constantFrom('day' as const, 'week' as const),
      async (raw, subject, period, interval) => {
        const a = normalise(raw);
        await reseed(a);
        const query = personaQuery.parse({ ...period, interval });
        const got = await persona(SEGMENTS[subject]!, query);
        expect(got).toEqual(expectedPersona(a, subject, period, interval));
      },
    ),
    { numRuns: 40 },
  );
});

test('without a period, size over time covers the 30 days (or 12 weeks) ending on the day of now', async () => {
  await reseed(normalise(fc.sample(audienceArb(), { numRuns: 1, seed: 19 })[0]!));
  const byDay = await persona('s-0', personaQuery.parse({}));
  expect(byDay.sizeOverTime.period).toEqual({ from: dayOf(NOW - 29 * DAY), to: dayOf(NOW) });
  expect(byDay.sizeOverTime.points).toHaveLength(30);
  const byWeek = await persona('s-0', personaQuery.parse({ interval: 'week' }));
  expect(byWeek.sizeOverTime.period).toEqual({ from: dayOf(NOW - 83 * DAY), to: dayOf(NOW) });
  expect(byWeek.sizeOverTime.points.map((p) => p.end).at(-1)).toBe(dayOf(NOW));
  expect(byWeek.sizeOverTime.points).toHaveLength(12);
});

test("the base's figures are read again in the background once too old; a segment's each time", async () => {
  await reseed(normalise(fc.sample(audienceArb(), { numRuns: 1, seed: 7 })[0]!));
  let now = NOW;
  const personas = createPersonas({ db: database.db, clock: { now: () => new Date(now) }, baseMaxAgeMs: 60_000 });
  const query = personaQuery.parse({});
  const before = await personas.persona('s-0', query);
  await database.db.customer.create({ data: { id: 'newcomer' } });
  await database.db.segmentMembership.create({
    data: { segmentId: 's-0', customerId: 'newcomer', spell: 99, version: 1, enteredAt: new Date(NOW - DAY) },
  });
  now += 59_999;
  const within = await personas.persona('s-0', query);
  expect([within.customers, within.members, within.baseAt]).toEqual([
    before.customers,
    before.members + 1,
    new Date(NOW),
  ]);
  now += 1;
  // Answered at once from the figures it has, while they are read again.
  const stale = await personas.persona('s-0', query);
  expect([stale.customers, stale.baseAt]).toEqual([before.customers, new Date(NOW)]);
  let fresh = stale;
  for (let tries = 0; tries < 100 && fresh.baseAt.getTime() === NOW; tries++) {
    await new Promise((r) => setTimeout(r, 50));
    fresh = await personas.persona('s-0', query);
  }
  expect([fresh.customers, fresh.baseAt]).toEqual([before.customers + 1, new Date(now)]);
});
