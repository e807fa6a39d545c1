// The audience rollups equal what the raw tables say, whatever the writers did in whatever order:
// events stored by the batch path (retried with the same ids) and by ingestion, on days before and
// after those already counted, purchases recorded as ingestion records them (retried), customers
// merged and erased, and the refresher run at random moments in between, or concurrently with the
// writes. The customers' active days (with each one's previous day) and the first-seen cohorts
// (customers made now, with purchases in earlier months too) are checked the same way.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { refreshAudienceRollups, refreshForRead } from '../../src/analytics/audience-rollups';
import { SEEN_COHORT_SIZES } from '../../src/analytics/audience-seen';
import { eraseCustomer } from '../../src/customers/erase';
import { mergeCustomers } from '../../src/customers/merge';
import { countStoredEvent } from '../../src/analytics/audience-writes';
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
  | { kind: 'event'; c: number; type: string; hours: number; id: number }
  | { kind: 'purchase'; c: number; order: number; products: number[]; hours: number }
  | { kind: 'merge'; survivor: number; merged: number }
  | { kind: 'erase'; c: number }
  | { kind: 'refresh' };

const c = fc.integer({ min: 0, max: CUSTOMERS - 1 });
const hours = fc.integer({ min: 0, max: 24 * 40 });
/** Types of every kind of active day, and one of none. */
const TYPES = ['page_view', 'site_visit', 'email_opened', 'email_clicked', 'email_delivered', 'cart_add'];
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('events' as const),
      c,
      types: fc.array(fc.constantFrom(...TYPES), { minLength: 1, maxLength: 3 }),
      hours,
      id: fc.integer({ min: 0, max: 20 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('event' as const),
      c,
      type: fc.constantFrom(...TYPES),
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
  if (op.kind === 'event') {
    // As ingestion stores one event: the row, then its count and mark, in one transaction; a
    // duplicate id stores and counts nothing.
    if (!(await alive(op.c))) return;
    const id = `r${run}-single-${op.id}`;
    const occurredAt = at(op.hours);
    await db.$transaction(async (tx) => {
      const { count } = await tx.event.createMany({
        data: [{ id, customerId: customer(run, op.c), type: op.type, occurredAt, deliveredAt: new Date() }],
        skipDuplicates: true,
      });
      if (count) await countStoredEvent(tx, op.type, occurredAt);
    });
    return;
  }
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
    (SELECT * FROM cells EXCEPT SELECT cohort || ' ' || month, customers::text, revenue FROM audience_cohort_cells)) c
  UNION ALL
  SELECT 'seen cohort cell', * FROM (
    WITH months AS (
      SELECT customer_id, date_trunc('month', ordered_at)::date AS month, sum(price * quantity) AS revenue
        FROM order_lines GROUP BY 1, 2
    ), seen AS (
      SELECT customer_id, least(date_trunc('month', c.created_at), min(month))::date AS cohort
        FROM months JOIN customers c ON c.id = customer_id GROUP BY customer_id, c.created_at
    ), cells AS (
      SELECT cohort || ' ' || month AS k, count(*)::text AS customers, sum(revenue) AS revenue
        FROM months JOIN seen USING (customer_id) GROUP BY cohort, month
    )
    (SELECT cohort || ' ' || month, customers::text, revenue FROM audience_seen_cohort_cells WHERE customers <> 0
     EXCEPT SELECT * FROM cells)
    UNION ALL
    (SELECT * FROM cells
     EXCEPT SELECT cohort || ' ' || month, customers::text, revenue FROM audience_seen_cohort_cells)) s
  UNION ALL
  SELECT 'active day', * FROM (
    WITH kinds (type, kind) AS (
      VALUES ('email_opened', 'acted'), ('email_clicked', 'acted'), ('page_view', 'acted'), ('site_visit', 'acted'),
             ('email_opened', 'email-engaged'), ('email_clicked', 'email-engaged'),
             ('page_view', 'visited'), ('site_visit', 'visited'), ('email_delivered', 'delivered')
    ), orders AS (
      SELECT customer_id, ordered_at::date AS day,
             sum(count(DISTINCT order_id)) OVER (PARTITION BY customer_id ORDER BY ordered_at::date) AS so_far
        FROM order_lines GROUP BY 1, 2
    ), days AS (
      SELECT customer_id, kind, occurred_at::date AS day FROM events JOIN kinds USING (type)
      UNION
      SELECT customer_id, 'messaged', created_at::date FROM messages
       WHERE status = 'sent' AND created_at < (SELECT through + 1 FROM audience_watermarks WHERE name = 'messages')
      UNION
      SELECT customer_id, 'bought', day FROM orders
      UNION
      SELECT customer_id, 'bought-again', day FROM orders WHERE so_far >= 2
    ), raw AS (
      SELECT customer_id || ' ' || kind || ' ' || day AS k,
             (lag(day) OVER (PARTITION BY customer_id, kind ORDER BY day))::text AS prev_day, NULL::numeric AS x
        FROM days
    ), rollup AS (
      SELECT customer_id || ' ' || kind || ' ' || day, prev_day::text, NULL::numeric FROM audience_active_days
    )
    (SELECT * FROM rollup EXCEPT SELECT * FROM raw)
    UNION ALL
    (SELECT * FROM raw EXCEPT SELECT * FROM rollup)) a
  UNION ALL
  SELECT 'active count', * FROM (
    WITH cells AS (
      SELECT kind || ' ' || day || ' ' || coalesce(prev_day::text, 'none') AS k, count(*)::text AS n, NULL::numeric
        FROM audience_active_days GROUP BY kind, day, prev_day
    ), counts AS (
      SELECT kind || ' ' || day || ' ' || CASE WHEN prev_day = '-infinity' THEN 'none' ELSE prev_day::text END,
             n::text, NULL::numeric
        FROM audience_active_counts WHERE n <> 0
    )
    (SELECT * FROM counts EXCEPT SELECT * FROM cells)
    UNION ALL
    (SELECT * FROM cells EXCEPT SELECT * FROM counts)) n`;

/** First-seen cohort sizes from the raw tables: each profile (not merged away) by first-seen month. */
const SEEN_SIZES = `
  SELECT to_char(least(date_trunc('month', c.created_at), date_trunc('month', f.first)), 'YYYY-MM') AS cohort,
         count(*)::int AS customers
    FROM customers c LEFT JOIN (SELECT customer_id, min(ordered_at) AS first FROM order_lines GROUP BY 1) f
      ON f.customer_id = c.id
   WHERE c.merged_into IS NULL
   GROUP BY 1 ORDER BY 1`;

/** Every rollup row that differs from the raw data, and the first-seen sizes as read beside the raw ones. */
async function differences(): Promise<unknown[]> {
  const db = database.db;
  const sizes = await db.$queryRawUnsafe(SEEN_COHORT_SIZES, '2000-01', '2099-12');
  const raw = await db.$queryRawUnsafe(SEEN_SIZES);
  return [
    ...(await db.$queryRawUnsafe<unknown[]>(DIFFERENCES)),
    ...(isDeepStrictEqual(sizes, raw) ? [] : [{ sizes, raw }]),
  ];
}

let run = 0;
beforeAll(async () => {
  await database.db.$executeRawUnsafe(
    `INSERT INTO products (id, name) VALUES ('prod-0', 'zero'), ('prod-1', 'one'), ('prod-2', 'two')`,
  );
});

type Message = { c: number; hours: number; status: string };
const messagesArb = fc.array(
  fc.record({ c, hours: fc.integer({ min: 0, max: 24 * 40 }), status: fc.constantFrom('sent', 'skipped') }),
  { maxLength: 8 },
);

/**
 * The run's customers, and messages sent to them before the writes. Their days are closed by the
 * refresher's next round, as if these had been written in real time: the messages' watermark is
 * put back to before them (message days are recounted whole and active days added only where
 * missing, so earlier runs' figures are unchanged). Their days from 8 days ago on stay open.
 */
async function freshRun(messages: Message[] = []): Promise<number> {
  run++;
  const db = database.db;
  await db.$executeRawUnsafe(
    `INSERT INTO customers (id, updated_at) SELECT 'r${run}-c' || g, now() FROM generate_series(0, ${CUSTOMERS - 1}) g`,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO messages (key, customer_id, enrollment_id, program_id, step_id, channel, template_id, status,
                           scheduled_at, created_at)
     SELECT 'r${run}-m' || n, id, 'enr', 'p', 's1', 'email', 't', status, at AT TIME ZONE 'UTC', at AT TIME ZONE 'UTC'
       FROM jsonb_to_recordset($1::jsonb) AS t(id text, status text, at timestamptz, n int)`,
    JSON.stringify(
      messages.map((m, n) => ({ id: customer(run, m.c), status: m.status, at: at(m.hours).toISOString(), n })),
    ),
  );
  if (messages.length) await db.$executeRawUnsafe(`DELETE FROM audience_watermarks WHERE name = 'messages'`);
  return run;
}

test('after any writes, retries, merges and erases, a refresh leaves the rollups equal to the raw data', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), messagesArb, async (ops, messages) => {
      const r = await freshRun(messages);
      for (const op of ops) await apply(database.db, r, op);
      await refreshAudienceRollups(database.db);
      expect(await differences()).toEqual([]);
    }),
    { numRuns: 25 },
  );
});

test("the first-seen migration's backfill builds from the buyer days what the refresher keeps", async () => {
  const migration = readFileSync('prisma/migrations/20261207130000_audience_seen_cohorts/migration.sql', 'utf8');
  const backfill = migration
    .split(';')
    .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
    .filter((statement) => statement.startsWith('INSERT'));
  expect(backfill).toHaveLength(3);
  const SEEN = `SELECT 'buyer' AS t, customer_id AS k, created::text AS a, seen::text AS b FROM audience_buyer_seen
    UNION ALL SELECT 'cell', cohort || ' ' || month, customers::text, revenue::text FROM audience_seen_cohort_cells
     WHERE customers <> 0
    UNION ALL SELECT 'shift', month::text, customers::text, NULL FROM audience_seen_shifts WHERE customers <> 0
    ORDER BY 1, 2`;
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
      const r = await freshRun();
      for (const op of ops) await apply(database.db, r, op);
      await refreshAudienceRollups(database.db);
      const kept = await database.db.$queryRawUnsafe(SEEN);
      await database.db.$executeRawUnsafe(
        'TRUNCATE audience_buyer_seen, audience_seen_cohort_cells, audience_seen_shifts',
      );
      for (const statement of backfill) await database.db.$executeRawUnsafe(statement);
      expect(await database.db.$queryRawUnsafe(SEEN)).toEqual(kept);
    }),
    { numRuns: 10 },
  );
});

test("a customer's active days, written in any order, repeated, refreshed between: each once, linked", async () => {
  const day = (d: number) =>
    at(24 * d)
      .toISOString()
      .slice(0, 10);
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ day: fc.integer({ min: 0, max: 30 }), retry: fc.boolean(), refresh: fc.boolean() }), {
        minLength: 1,
        maxLength: 20,
      }),
      async (writes) => {
        const r = await freshRun();
        // A retry reuses the previous write's event id with its own day: ingestion stores nothing.
        const stored = new Map<number, number>();
        let id = 0;
        for (const [i, w] of writes.entries()) {
          if (!(w.retry && i > 0)) id++;
          if (!stored.has(id)) stored.set(id, w.day);
          await apply(database.db, r, { kind: 'event', c: 0, type: 'site_visit', hours: 24 * w.day, id });
          if (w.refresh) await refreshAudienceRollups(database.db);
        }
        await refreshAudienceRollups(database.db);
        const days = [...new Set([...stored.values()].map(day))].sort();
        const linked = days.map((d, i) => ({ day: d, prev_day: i ? days[i - 1]! : null }));
        const rows = await database.db.$queryRawUnsafe<{ kind: string; day: string; prev_day: string | null }[]>(
          `SELECT kind, day::text, prev_day::text FROM audience_active_days WHERE customer_id = $1 ORDER BY kind, day`,
          customer(r, 0),
        );
        expect(rows).toEqual([
          ...linked.map((x) => ({ kind: 'acted', ...x })),
          ...linked.map((x) => ({ kind: 'visited', ...x })),
        ]);
        expect(await differences()).toEqual([]);
      },
    ),
    { numRuns: 25 },
  );
});

test('writes racing the refresher are counted once they are committed, by the next refresh', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 25 }), messagesArb, async (ops, messages) => {
      const r = await freshRun(messages);
      await Promise.all([
        (async () => {
          for (const op of ops) await apply(database.db, r, op);
        })(),
        refreshAudienceRollups(database.db),
        refreshAudienceRollups(database.db),
      ]);
      await refreshAudienceRollups(database.db);
      expect(await differences()).toEqual([]);
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
