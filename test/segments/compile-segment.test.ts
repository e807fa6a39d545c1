// The segment compiler against an in-TypeScript model (test/segments/segment-model.ts): random
// customers with profiles, computed traits and events, random definitions over all of them, on a
// real PostgreSQL. Evaluated for every customer at once and for each customer alone, the stored
// memberships are the model's, and a second evaluation at the same instant changes nothing.
import fc from 'fast-check';
import { sqlRows } from '../../src/db/prisma';
import { segmentDefinitionSchema, type SegmentCondition } from '../../src/contracts/program-language/segment-schema';
import { compileSegment } from '../../src/segments/compile-segment';
import { transitionsSql, type TransitionRow } from '../../src/segments/transitions-sql';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { modelMember, type ModelCustomer } from './segment-model';

const NOW = Date.parse('2026-06-15T12:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  // Through Prisma once, so that its disconnect ends the pool before the database is dropped.
  await database.db.segment.count();
});
afterAll(() => database.drop());

const categories = ['dresses', 'shoes', 'hats'];
const eventArb = fc.record({
  type: fc.constantFrom('purchase', 'view', 'click'),
  // From 40 days back to a day ahead (a future timestamp is outside every window).
  at: fc.integer({ min: -40 * 24, max: 24 }).map((h) => NOW + h * HOUR),
  properties: fc.record(
    { category: fc.constantFrom(...categories), total: fc.integer({ min: 0, max: 200 }) },
    { requiredKeys: [] },
  ),
});

const customerArb = (id: string) =>
  fc.record({
    id: fc.constant(id),
    traits: fc.record(
      { tier: fc.constantFrom('gold', 'silver', 7, null), score: fc.integer({ min: 0, max: 10 }) },
      { requiredKeys: [] },
    ),
    tags: fc.subarray(['vip', 'new', 'churned']),
    email: fc.option(fc.constant(`${id}@example.com`), { nil: null }),
    computed: fc.option(
      fc
        .record({
          orderCount: fc.integer({ min: 0, max: 5 }),
          totalSpent: fc.integer({ min: 0, max: 500 }),
          first: fc.integer({ min: 0, max: 200 }),
          span: fc.integer({ min: 0, max: 100 }),
          country: fc.constantFrom('FR', 'DE', null),
          favouriteCategory: fc.constantFrom(...categories, null),
        })
        .map(({ first, span, ...t }) => ({
          ...t,
          firstPurchaseAt: t.orderCount ? NOW - (first + span) * DAY : null,
          lastPurchaseAt: t.orderCount ? NOW - first * DAY : null,
        })),
      { nil: null },
    ),
    events: fc.array(eventArb, { maxLength: 8 }),
  });

const scalarFor: Record<string, fc.Arbitrary<string | number | null>> = {
  'profile.tier': fc.constantFrom('gold', 'silver', 7, null),
  'profile.score': fc.integer({ min: 0, max: 10 }),
  'profile.email': fc.constantFrom('c1@example.com', 'example'),
  'profile.tags': fc.constantFrom('vip', 'new'),
  'traits.orderCount': fc.integer({ min: 0, max: 5 }),
  'traits.totalSpent': fc.integer({ min: 0, max: 500 }),
  'traits.averageOrderValue': fc.integer({ min: 0, max: 300 }),
  'traits.daysSinceLastPurchase': fc.integer({ min: 0, max: 300 }),
  'traits.purchaseCadenceDays': fc.integer({ min: 0, max: 100 }),
  'traits.lastPurchaseAt': fc.integer({ min: 0, max: 300 }).map((d) => new Date(NOW - d * DAY).toISOString()),
  'traits.country': fc.constantFrom('FR', 'DE', null),
  'traits.favouriteCategory': fc.constantFrom(...categories),
};

const comparisonArb = fc.constantFrom(...Object.keys(scalarFor)).chain((field) =>
  fc.oneof(
    fc.record({ field: fc.constant(field), op: fc.constantFrom('eq', 'neq'), value: scalarFor[field]! }),
    fc.record({
      field: fc.constant(field),
      op: fc.constantFrom('gt', 'gte', 'lt', 'lte'),
      value: scalarFor[field]!.filter((v) => v !== null) as fc.Arbitrary<string | number>,
    }),
    fc.record({
      field: fc.constant(field),
      op: fc.constant('in'),
      value: fc.array(scalarFor[field]!, { minLength: 1, maxLength: 3 }),
    }),
    fc.record({ field: fc.constant(field), op: fc.constant('contains'), value: scalarFor[field]! }),
    fc.record({ field: fc.constant(field), op: fc.constant('exists') }),
  ),
);

const filterArb = fc.record(
  {
    type: fc.constantFrom('purchase', 'view', 'click'),
    where: fc.oneof(
      fc.record({
        field: fc.constant('event.properties.category'),
        op: fc.constant('eq'),
        value: fc.constantFrom(...categories),
      }),
      fc.record({
        field: fc.constant('event.properties.total'),
        op: fc.constantFrom('gte', 'lt'),
        value: fc.integer({ min: 0, max: 200 }),
      }),
    ),
  },
  { requiredKeys: ['type'] },
);

const windowArb = fc.constantFrom('1d', '36h', '7d', '30d');
const countArb = fc
  .record(
    { gte: fc.integer({ min: 0, max: 3 }), lte: fc.integer({ min: 0, max: 3 }), eq: fc.integer({ min: 0, max: 3 }) },
    { requiredKeys: [] },
  )
  .filter((b) => Object.keys(b).length > 0);

const { condition: conditionArb } = fc.letrec<{ condition: SegmentCondition }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    comparisonArb as fc.Arbitrary<SegmentCondition>,
    filterArb.chain((f) =>
      fc.record({
        events: fc.record({
          ...(f && {}),
          type: fc.constant(f.type),
          ...(f.where ? { where: fc.constant(f.where) } : {}),
          within: windowArb,
          count: countArb,
        }),
      }),
    ) as fc.Arbitrary<SegmentCondition>,
    fc.record({
      sequence: fc.record({
        did: filterArb,
        notFollowedBy: filterArb,
        within: fc.constantFrom('1d', '7d'),
        lookback: fc.constantFrom('1d', '7d', '20d'),
      }),
    }) as fc.Arbitrary<SegmentCondition>,
    fc.record({ all: fc.array(tie('condition'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('condition'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('condition') }),
  ),
}));

const utc = (ms: number) => new Date(ms).toISOString();

async function store(customers: ModelCustomer[]): Promise<void> {
  await sqlRows(database.db, 'TRUNCATE customers, segments CASCADE', []);
  for (const c of customers) {
    await sqlRows(database.db, `INSERT INTO customers (id, traits, tags, updated_at) VALUES ($1, $2, $3, now())`, [
      c.id,
      c.traits,
      c.tags,
    ]);
    if (c.email)
      await sqlRows(
        database.db,
        `INSERT INTO customer_identifiers (kind, value, customer_id) VALUES ('email', $1, $2)`,
        [c.email, c.id],
      );
    if (c.computed)
      await sqlRows(
        database.db,
        `INSERT INTO customer_traits (customer_id, order_count, total_spent, first_purchase_at, last_purchase_at,
                                      country, favourite_category)
         VALUES ($1, $2, $3, $4::timestamptz AT TIME ZONE 'UTC', $5::timestamptz AT TIME ZONE 'UTC', $6, $7)`,
        [
          c.id,
          c.computed.orderCount,
          c.computed.totalSpent,
          c.computed.firstPurchaseAt && utc(c.computed.firstPurchaseAt),
          c.computed.lastPurchaseAt && utc(c.computed.lastPurchaseAt),
          c.computed.country,
          c.computed.favouriteCategory,
        ],
      );
    for (const [i, e] of c.events.entries())
      await sqlRows(
        database.db,
        `INSERT INTO events (id, customer_id, type, occurred_at, properties)
         VALUES ($1, $2, $3, $4::timestamptz AT TIME ZONE 'UTC', $5)`,
        [`${c.id}-${i}`, c.id, e.type, utc(e.at), e.properties],
      );
  }
  await sqlRows(
    database.db,
    `INSERT INTO segments (id, name, draft) VALUES ('bulk', 'b', '{}'), ('each', 'e', '{}')`,
    [],
  );
}

const members = async (segment: string) =>
  (
    await sqlRows<{ customer_id: string }>(
      database.db,
      `SELECT customer_id FROM segment_memberships WHERE segment_id = $1 AND left_at IS NULL ORDER BY customer_id`,
      [segment],
    )
  ).map((r) => r.customer_id);

const evaluateAt = (id: string, condition: SegmentCondition, customerIds?: string[]) => {
  const definition = segmentDefinitionSchema.parse({ name: id, condition });
  const compiled = compileSegment(definition, new Date(NOW));
  const sql = transitionsSql([{ id, version: 1, compiled }], {
    now: new Date(NOW),
    nextAttemptAt: new Date(NOW),
    unreferenced: { entered: false, left: false },
    ...(customerIds ? { customerIds } : {}),
  });
  return sqlRows<TransitionRow>(database.db, sql, []);
};

test('memberships computed in SQL, for all customers or one at a time, are the model’s', async () => {
  const customersArb = fc.tuple(customerArb('c1'), customerArb('c2'), customerArb('c3'), customerArb('c4'));
  await fc.assert(
    fc.asyncProperty(customersArb, conditionArb, async (customers, condition) => {
      await store(customers);
      const expected = customers.filter((c) => modelMember(condition, c, NOW)).map((c) => c.id);

      const entered = await evaluateAt('bulk', condition);
      expect(await members('bulk')).toEqual(expected);
      expect(entered.map((e) => e.customer_id).sort()).toEqual(expected);
      expect(await evaluateAt('bulk', condition)).toEqual([]);

      for (const c of customers) await evaluateAt('each', condition, [c.id]);
      expect(await members('each')).toEqual(expected);
    }),
    { numRuns: 150 },
  );
});

test('segments judged together, as after an event, have each the members it has alone', async () => {
  const customersArb = fc.tuple(customerArb('c1'), customerArb('c2'), customerArb('c3'));
  const conditionsArb = fc.array(conditionArb, { minLength: 2, maxLength: 4 });
  await fc.assert(
    fc.asyncProperty(customersArb, conditionsArb, async (customers, conditions) => {
      await store(customers);
      const ids = conditions.map((_, i) => `m${i}`);
      await sqlRows(
        database.db,
        `INSERT INTO segments (id, name, draft) SELECT id, id, '{}' FROM unnest($1::text[]) id`,
        [ids],
      );
      const together = conditions.map((condition, i) => ({
        id: ids[i]!,
        version: 1,
        compiled: compileSegment(segmentDefinitionSchema.parse({ name: ids[i], condition }), new Date(NOW), `s${i}_`),
      }));
      const options = {
        now: new Date(NOW),
        nextAttemptAt: new Date(NOW),
        unreferenced: { entered: false, left: false },
      };
      for (const c of customers)
        await sqlRows(database.db, transitionsSql(together, { ...options, customerIds: [c.id] }), []);
      for (const [i, condition] of conditions.entries())
        expect(await members(ids[i]!)).toEqual(
          customers.filter((c) => modelMember(condition, c, NOW)).map((c) => c.id),
        );
    }),
    { numRuns: 60 },
  );
});

test('segments judged together need aggregates of their own names', () => {
  const definition = segmentDefinitionSchema.parse({
    name: 'x',
    condition: { events: { type: 'view', within: '1d', count: { gte: 1 } } },
  });
  const compiled = compileSegment(definition, new Date(NOW));
  const options = { now: new Date(NOW), nextAttemptAt: new Date(NOW), unreferenced: { entered: false, left: false } };
  const twice = [
    { id: 'a', version: 1, compiled },
    { id: 'b', version: 1, compiled },
  ];
  expect(() => transitionsSql(twice, options)).toThrow(/distinct names/);
});

test('leaving closes the spell with one segment_left event; entering again opens spell 2 with its own id', async () => {
  const customer: ModelCustomer = { id: 'c1', traits: {}, tags: [], email: null, computed: null, events: [] };
  await store([customer]);
  const vip: SegmentCondition = { field: 'profile.tags', op: 'contains', value: 'vip' };
  await sqlRows(database.db, `UPDATE customers SET tags = '{vip}'`, []);
  expect((await evaluateAt('bulk', vip)).map((e) => e.id)).toEqual(['segment:bulk:c1:1:entered']);
  await sqlRows(database.db, `UPDATE customers SET tags = '{}'`, []);
  const left = await evaluateAt('bulk', vip, ['c1']);
  expect(left).toEqual([
    expect.objectContaining({
      id: 'segment:bulk:c1:1:left',
      type: 'segment_left',
      properties: { segment: 'bulk', version: 1 },
    }),
  ]);
  await sqlRows(database.db, `UPDATE customers SET tags = '{vip}'`, []);
  expect((await evaluateAt('bulk', vip)).map((e) => e.id)).toEqual(['segment:bulk:c1:2:entered']);
  expect(await members('bulk')).toEqual(['c1']);
});
