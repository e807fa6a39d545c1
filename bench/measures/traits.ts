// Issue 19's computed traits at scale: 1M customers with ~10M order lines and 2M email opens and
// clicks, written by set-based SQL into the bench's fresh database. Times the backfill migration
// over them, the schedule's refresh (the first RFM scoring of every buyer, then a day's run with
// 1% of the windows moved), and what a purchase event pays for its customer's row: the two
// statements of refreshCustomerTraits inside the ingest transaction, timed on the connection.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client as Pg } from 'pg';
import { loadProfileScope } from '../../src/customers/profile-scope';
import { poolOf } from '../../src/db/prisma';
import { refreshRfmScores } from '../../src/traits/refresh-rfm';
import { refreshCustomerTraitsOn } from '../../src/traits/refresh-traits';
import { refreshTraitWindows } from '../../src/traits/refresh-windows';
import { loadNow, log, percentiles, round } from '../lib/stats';
import type { BenchWorld } from '../lib/world';

const CUSTOMERS = Number(process.env.BENCH_TRAITS_CUSTOMERS ?? 1_000_000);
const SCALE = { customers: CUSTOMERS, orderLines: CUSTOMERS * 10, engagement: CUSTOMERS * 2 };
const CHUNK = 2_000_000;
const SAMPLES = 1000;
const BACKFILL = resolve(__dirname, '../../prisma/migrations/20261207060100_customer_traits_backfill/migration.sql');

/** A customer number, skewed: a few customers buy far more than most. */
const CUSTOMER = (n: number) => `'tc-' || (1 + floor(${n} * power(random(), 1.4))::int)`;
const AGO = (days: number) => `(now() AT TIME ZONE 'UTC') - random() * interval '${days} days'`;

const SEED: [string, (from: number) => string, number][] = [
  [
    'customers',
    () => `INSERT INTO customers (id, traits, created_at, updated_at)
      SELECT 'tc-' || g, CASE WHEN random() < 0.9 THEN jsonb_build_object('country',
               (ARRAY['FR','DE','GB','ES','IT','SI','AT','PL','SE','US'])[1 + floor(10 * random())::int]) ELSE '{}' END,
             now(), now()
        FROM generate_series(1, ${SCALE.customers}) g`,
    SCALE.customers,
  ],
  [
    'products',
    () => `INSERT INTO products (id, name, category, price)
      SELECT 'tp-' || g, 'product ' || g, 'category-' || g % 20, 5 + g % 95 FROM generate_series(1, 1000) g`,
    1000,
  ],
  [
    'order lines',
    // Two lines an order (the order's product and its neighbour), over the last two years.
    (from) => `INSERT INTO order_lines (order_id, product_id, customer_id, quantity, price, ordered_at)
      SELECT 'to-' || o, 'tp-' || (1 + (p + k) % 1000), c, 1 + k, 5 + (p + k) % 95, at
        FROM (SELECT o, floor(1000 * power(random(), 1.5))::int AS p,
                     ${CUSTOMER(SCALE.customers)} AS c, ${AGO(730)} AS at
                FROM generate_series(${from / 2 + 1}, ${Math.min(from + CHUNK, SCALE.orderLines) / 2}) o) x,
             generate_series(0, 1) k`,
    SCALE.orderLines,
  ],
  [
    'email opens and clicks',
    (from) => `INSERT INTO events (id, customer_id, type, occurred_at, delivered_at, unreferenced)
      SELECT 'te-' || g, ${CUSTOMER(SCALE.customers)},
             CASE WHEN random() < 0.7 THEN 'email_opened' ELSE 'email_clicked' END,
             ${AGO(60)}, now(), true
        FROM generate_series(${from + 1}, ${Math.min(from + CHUNK, SCALE.engagement)}) g`,
    SCALE.engagement,
  ],
];

interface Timed {
  seconds: number;
  rows: number;
  load: number;
}

export interface TraitsResult {
  scale: typeof SCALE;
  seedSeconds: number;
  backfill: Timed;
  /** The schedule's first run: every buyer scored (RFM), the windows found current. */
  firstRun: { windows: Timed; rfm: Timed };
  /** A day's run, with the 12-month value of 1% of the rows and the opens of another 1% moved. */
  dailyRun: { windows: Timed; rfm: Timed };
  /** Per purchase event, the two statements of the trait update in its transaction, in ms. */
  perPurchase: { p50: number; p95: number; p99: number; samples: number; load: number };
  /** loadProfileScope, the one-row read conditions and templates now make, in ms. */
  profileRead: { p50: number; p95: number; samples: number };
}

async function timed(run: () => Promise<number>): Promise<Timed> {
  const started = performance.now();
  const rows = await run();
  return { seconds: round((performance.now() - started) / 1000, 1), rows, load: loadNow() };
}

export async function benchTraits(world: BenchWorld): Promise<TraitsResult> {
  const pg = new Pg({ connectionString: world.databaseUrl });
  await pg.connect();
  const query = async (sql: string) => (await pg.query(sql)).rowCount ?? 0;
  try {
    const seeded = performance.now();
    for (const [what, sql, total] of SEED)
      for (let from = 0; from < total; from += CHUNK) {
        const t = performance.now();
        const rows = await query(sql(from));
        log(`traits seed: ${what} ${rows} rows in ${round((performance.now() - t) / 1000, 1)} s`);
      }
    // As autovacuum would leave them by the time anyone looks: statistics and visibility maps.
    for (const table of ['customers', 'order_lines', 'events', 'products']) await query(`VACUUM ANALYZE ${table}`);
    const seedSeconds = round((performance.now() - seeded) / 1000, 1);

    const backfill = await timed(() => query(readFileSync(BACKFILL, 'utf8')));
    await query('VACUUM ANALYZE customer_traits');
    log(`traits: backfill ${backfill.rows} rows in ${backfill.seconds} s`);
    const firstRun = {
      windows: await timed(() => refreshTraitWindows(world.db)),
      rfm: await timed(() => refreshRfmScores(world.db)),
    };
    log(
      `traits: first run windows ${firstRun.windows.seconds} s, ` +
        `RFM ${firstRun.rfm.rows} rows in ${firstRun.rfm.seconds} s`,
    );

    // A day later: some purchases left the 12-month window and some opens the 30-day one.
    await query(`UPDATE customer_traits SET value_12m = value_12m + 1 WHERE random() < 0.01`);
    await query(`UPDATE customer_traits SET opens_30d = opens_30d + 1 WHERE random() < 0.01`);
    const dailyRun = {
      windows: await timed(() => refreshTraitWindows(world.db)),
      rfm: await timed(() => refreshRfmScores(world.db)),
    };
    log(`traits: daily run windows ${dailyRun.windows.rows} rows in ${dailyRun.windows.seconds} s`);

    return {
      scale: SCALE,
      seedSeconds,
      backfill,
      firstRun,
      dailyRun,
      perPurchase: await perPurchase(world),
      profileRead: await profileRead(world),
    };
  } finally {
    await pg.end();
  }
}

/** A purchase's line written, then its customer's row refreshed, in one transaction, one event at a time. */
async function perPurchase(world: BenchWorld): Promise<TraitsResult['perPurchase']> {
  const client = await poolOf(world.db).connect();
  const ms: number[] = [];
  try {
    for (let i = 0; i < SAMPLES; i++) {
      const customerId = `tc-${1 + Math.floor(Math.random() * SCALE.customers)}`;
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO order_lines (order_id, product_id, customer_id, quantity, price, ordered_at)
         VALUES ($1, 'tp-7', $2, 1, 12, now() AT TIME ZONE 'UTC')`,
        [`bench-order-${i}`, customerId],
      );
      const started = performance.now();
      await refreshCustomerTraitsOn(client, [customerId]);
      ms.push(performance.now() - started);
      await client.query('COMMIT');
    }
  } finally {
    client.release();
  }
  const { p50, p95, p99 } = percentiles(ms);
  return { p50: round(p50, 2), p95: round(p95, 2), p99: round(p99, 2), samples: SAMPLES, load: loadNow() };
}

async function profileRead(world: BenchWorld): Promise<TraitsResult['profileRead']> {
  const ms: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    await loadProfileScope(world.db, `tc-${1 + Math.floor(Math.random() * SCALE.customers)}`);
    ms.push(performance.now() - started);
  }
  const { p50, p95 } = percentiles(ms);
  return { p50: round(p50, 2), p95: round(p95, 2), samples: SAMPLES };
}

export function printTraits(result: { traits?: TraitsResult }): void {
  const t = result.traits;
  if (!t) return;
  const s = t.scale;
  console.log(
    `\n## Computed traits (${s.customers} customers, ${s.orderLines} order lines, ${s.engagement} opens and clicks)\n`,
  );
  console.log('| measure | figure | load |\n|---|---|---|');
  console.log(`| backfill migration | ${t.backfill.rows} rows in ${t.backfill.seconds} s | ${t.backfill.load} |`);
  for (const [name, run] of [
    ['first', t.firstRun],
    ['daily', t.dailyRun],
  ] as const) {
    console.log(
      `| ${name} run: windows | ${run.windows.rows} customers refreshed in ${run.windows.seconds} s | ` +
        `${run.windows.load} |`,
    );
    console.log(`| ${name} run: RFM | ${run.rfm.rows} rows written in ${run.rfm.seconds} s | ${run.rfm.load} |`);
  }
  const p = t.perPurchase;
  console.log(
    `| trait update per purchase | p50 ${p.p50} ms, p95 ${p.p95} ms, p99 ${p.p99} ms (${p.samples}) | ${p.load} |`,
  );
  console.log(`| profile scope read | p50 ${t.profileRead.p50} ms, p95 ${t.profileRead.p95} ms | |`);
}
