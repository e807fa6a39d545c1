// The audience rollups equal what the raw tables say, whatever the writers did in whatever order:
// events stored by the batch path (retried with the same ids), purchases recorded as ingestion
// records them (retried), customers merged and erased, and the refresher run at random moments in
// between, or concurrently with the writes.
import fc from 'fast-check';
import { refreshAudienceRollups, refreshForRead } from '../../src/analytics/audience-rollups';
import { eraseCustomer } from '../../src/customers/erase';
import { mergeCustomers } from '../../src/customers/merge';
import { poolOf, type Db } from '../../src/db/prisma';
import { recordOrderLines } from '../../src/ingestion/order-lines';
import { storeUnreferencedBatch } from '../../src/ingestion/unreferenced-batch';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

const CUSTOMERS = 5;
const BASE = Date.UTC(2026, 9, 30, 20); // days and months turn within the writes' times
const at = (hours: number) => new Date(BASE + hours * 3_600_000);

type Op =
  | { kind: 'events'; c: number; types: string[]; hours: number; id: number }
  | { kind: 'purchase'; c: number; order: number; products: number[]; hours: number }
  | { kind: 'merge'; survivor: number; merged: number }
  | { kind: 'erase'; c: number }
  | { kind: 'refresh' };

const c = fc.integer({ min: 0, max: CUSTOMERS - 1 });
const hours = fc.integer({ min: 0, max: 24 * 40 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('events' as const),
      c,
      types: fc.array(fc.constantFrom('page_view', 'cart_add'), { minLength: 1, maxLength: 3 }),
      hours,
      id: fc.integer({ min: 0, max: 20 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('purchase' as const),
      c,
      order: fc.integer({ min: 0, max: 8 }),
      products: fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 }),
      hours,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('merge' as const), survivor: c, merged: c }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('erase' as const), c }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'refresh' as const }) },
);

const customer = (run: number, c: number) => `r${run}-c${c}`;
const noWorkflows = { mergeInto: async () => undefined, terminate: async () => undefined };

async function apply(db: Db, run: number, op: Op): Promise<void> {
  if (op.kind === 'refresh') return refreshAudienceRollups(db);
  if (op.kind === 'events') {
    // Ids may repeat across operations: a retried or duplicate event counts once.
    const items = op.types.map((type, i) => ({
      index: i,
      input: {
        eventId: `r${run}-e${op.id}-${i}`,
        type,
        customer: { id: customer(run, op.c) },
        timestamp: at(op.hours + i).toISOString(),
        properties: {},
      },
    }));
    await storeUnreferencedBatch(db, items);
    return;
  }
  const alive = async (c: number) =>
    (await db.customer.findUnique({ where: { id: customer(run, c) } }))?.mergedInto === null;
  if (op.kind === 'purchase') {
    if (!(await alive(op.c))) return;
    const items = op.products.map((p) => ({ productId: `prod-${p}`, quantity: 1 + p, price: 10 + p }));
    await db.$transaction((tx) =>
      recordOrderLines(tx, customer(run, op.c), at(op.hours), { orderId: `r${run}-o${op.order}`, items }),
    );
  } else if (op.kind === 'merge') {
    if (op.survivor === op.merged || !(await alive(op.survivor)) || !(await alive(op.merged))) return;
    await mergeCustomers(db, noWorkflows, customer(run, op.survivor), [customer(run, op.merged)]);
  } else if (await alive(op.c)) await eraseCustomer(db, noWorkflows, customer(run, op.c), 'test');
}

/** Each rollup beside the same figures computed from the raw tables: no row may differ. */
const DIFFERENCES = `
  SELECT 'event day' AS rollup, * FROM (
    (SELECT day::text, type, sum(n)::bigint AS n FROM audience_event_days GROUP BY 1, 2 HAVING sum(n) <> 0
     EXCEPT SELECT occurred_at::date::text, type, count(*) FROM events GROUP BY 1, 2)
    UNION ALL
    (SELECT occurred_at::date::text, type, count(*) FROM events GROUP BY 1, 2
     EXCEPT SELECT day::text, type, sum(n)::bigint FROM audience_event_days GROUP BY 1, 2)) e
  UNION ALL
  SELECT 'buyer day', * FROM (
    (SELECT customer_id || ' ' || day, orders::text, revenue FROM audience_buyer_days
     EXCEPT SELECT customer_id || ' ' || ordered_at::date, count(DISTINCT order_id)::text, sum(price * quantity)
              FROM order_lines GROUP BY customer_id, ordered_at::date)
    UNION ALL
    (SELECT customer_id || ' ' || ordered_at::date, count(DISTINCT order_id)::text, sum(price * quantity)
       FROM order_lines GROUP BY customer_id, ordered_at::date
     EXCEPT SELECT customer_id || ' ' || day, orders::text, revenue FROM audience_buyer_days)) b
  UNION ALL
  SELECT 'order day', * FROM (
    (SELECT day::text, orders::text, revenue FROM audience_order_days WHERE orders <> 0
     EXCEPT SELECT ordered_at::date::text, count(DISTINCT (customer_id, order_id))::text, sum(price * quantity)
              FROM order_lines GROUP BY 1)
    UNION ALL
    (SELECT ordered_at::date::text, count(DISTINCT (customer_id, order_id))::text, sum(price * quantity)
       FROM order_lines GROUP BY 1
     EXCEPT SELECT day::text, orders::text, revenue FROM audience_order_days)) o
  UNION ALL
  SELECT 'cohort cell', * FROM (
    WITH months AS (
      SELECT customer_id, date_trunc('month', ordered_at)::date AS month, sum(price * quantity) AS revenue
        FROM order_lines GROUP BY 1, 2
    ), raw AS (
      SELECT min(month) OVER (PARTITION BY customer_id) AS cohort, month, revenue FROM months
    ), cells AS (
      SELECT cohort || ' ' || month AS k, count(*)::text AS customers, sum(revenue) AS revenue
        FROM raw GROUP BY cohort, month
    )
    (SELECT cohort || ' ' || month, customers::text, revenue FROM audience_cohort_cells WHERE customers <> 0
     EXCEPT SELECT * FROM cells)
    UNION ALL
    (SELECT * FROM cells EXCEPT SELECT cohort || ' ' || month, customers::text, revenue FROM audience_cohort_cells)) c`;

let run = 0;
beforeAll(async () => {
  await database.db.$executeRawUnsafe(
    `INSERT INTO products (id, name) VALUES ('prod-0', 'zero'), ('prod-1', 'one'), ('prod-2', 'two')`,
  );
});

async function freshRun(): Promise<number> {
  run++;
  await database.db.$executeRawUnsafe(
    `INSERT INTO customers (id, updated_at) SELECT 'r${run}-c' || g, now() FROM generate_series(0, ${CUSTOMERS - 1}) g`,
  );
  return run;
}

test('after any writes, retries, merges and erases, a refresh leaves the rollups equal to the raw data', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
      const r = await freshRun();
      for (const op of ops) await apply(database.db, r, op);
      await refreshAudienceRollups(database.db);
      expect(await database.db.$queryRawUnsafe(DIFFERENCES)).toEqual([]);
    }),
    { numRuns: 25 },
  );
});

test('writes racing the refresher are counted once they are committed, by the next refresh', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 25 }), async (ops) => {
      const r = await freshRun();
      await Promise.all([
        (async () => {
          for (const op of ops) await apply(database.db, r, op);
        })(),
        refreshAudienceRollups(database.db),
        refreshAudienceRollups(database.db),
      ]);
      await refreshAudienceRollups(database.db);
      expect(await database.db.$queryRawUnsafe(DIFFERENCES)).toEqual([]);
    }),
    { numRuns: 10 },
  );
});

test('a read does not queue behind a refresh another process runs: it reads the rollups as they are', async () => {
  const r = await freshRun();
  await apply(database.db, r, { kind: 'purchase', c: 0, order: 0, products: [1], hours: 1 });
  const marks = () =>
    database.db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM audience_dirty_buyers`);
  const other = await poolOf(database.db).connect();
  try {
    await other.query(`SELECT pg_advisory_lock(${0x61756469})`); // the refresher's lock (audience-rollups.ts)
    await refreshForRead(database.db);
    expect(await marks()).toEqual([{ n: 1 }]);
  } finally {
    await other.query(`SELECT pg_advisory_unlock_all()`);
    other.release();
  }
  await refreshForRead(database.db);
  expect(await marks()).toEqual([{ n: 0 }]);
});
