// Issue 19's segment bars. (1) An event that makes a customer enter a segment: latency from its
// POST to the workflow receiving segment_entered (the entry record's workflow time), at 50
// events/s. (2) The per-event evaluation's database time: the statement the API runs after an
// event, for one customer and all 20 bench segments, on the large base. (3) A full recompute of
// 20 segments over customers and events written by set-based SQL (1M / 10M by default;
// BENCH_SEGMENT_CUSTOMERS and BENCH_SEGMENT_EVENTS scale it down), then a second one, which finds
// nothing to change.
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { Client as Pg } from 'pg';
import { sqlRows } from '../../src/db/prisma';
import { segmentDefinitionSchema } from '../../src/contracts/program-language/segment-schema';
import { compileSegment } from '../../src/segments/compile-segment';
import { refreshSegments } from '../../src/segments/refresh-segments';
import { createSegmentService } from '../../src/segments/segment-service';
import { transitionsSql } from '../../src/segments/transitions-sql';
import { runId } from '../lib/journeys';
import { loadNow, log, percentiles, round, sleep } from '../lib/stats';
import type { BenchWorld } from '../lib/world';
import type { BenchResult } from '../table';
import { BENCH_SEGMENTS } from './segment-definitions';

const RATE = Number(process.env.BENCH_SEGMENT_RATE ?? 50);
const SECONDS = 30;
const CUSTOMERS = Number(process.env.BENCH_SEGMENT_CUSTOMERS ?? 1_000_000);
const EVENTS = Number(process.env.BENCH_SEGMENT_EVENTS ?? 10_000_000);
const CHUNK = 1_000_000;
/** Which parts run: `latency`, `recompute` (the seed, the per-event statement and the recomputes). */
const PARTS = (process.env.BENCH_SEGMENT_PARTS ?? 'latency,recompute').split(',');
/** (1)'s customers: `known` (workflows running, a third of events enter them) or `new` (see latency). */
const MODE = process.env.BENCH_SEGMENT_MODE === 'new' ? 'new' : 'known';
const logger = pino({ level: 'silent' });

/**
 * (1): POSTed `seg_view`s at RATE/s; a customer enters `bench-viewers` with their VIEWS-th view,
 * and its program records the entry. `known` (the default): customers whose workflows already run
 * (each was sent an event a program takes, first), three views each in a random order, so a third
 * of the events change a segment. `new`: every event is a new customer's first and enters them,
 * starting their workflow: the worst case.
 */
async function latency(world: BenchWorld) {
  const known = MODE === 'known';
  const views = known ? 3 : 1;
  const ofSegment = { field: 'event.properties.segment', op: 'eq', value: 'bench-viewers' };
  const must = async (path: string, json: unknown, status = [200, 201]) => {
    const res = await world.post(path, json);
    if (!status.includes(res.status)) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  const launch = async (id: string, event: string, where?: unknown) => {
    const program = {
      name: id,
      entry: { event, ...(where ? { where } : {}) },
      start: 'done',
      steps: { done: { kind: 'exit' } },
    };
    await must('/v1/programs', { id, definition: program });
    await must(`/v1/programs/${id}/versions`, {});
    await must(`/v1/programs/${id}/launch`, { version: 1 });
  };
  const entered = (program: string) =>
    sqlRows<{ customer_id: string; at: Date }>(
      world.db,
      `SELECT customer_id, at FROM journey_steps WHERE program_id = $1 AND kind = 'enter'`,
      [program],
    );
  const segment = {
    name: `Viewed ${views} times today`,
    condition: { events: { type: 'seg_view', within: '1d', count: { gte: views } } },
  };
  await must('/v1/segments', { id: 'bench-viewers', definition: segment });
  await must('/v1/segments/bench-viewers/versions', {});
  await launch('bench-on-segment', 'segment_entered', ofSegment);

  const n = RATE * SECONDS;
  const customers = Array.from({ length: n / views }, (_, i) => `seg-${runId}-${i}@bench.test`);
  if (known) {
    await launch('bench-hello', 'seg_hello');
    for (const email of customers) await must('/v1/events', { type: 'seg_hello', customer: { email } }, [202]);
    for (let waited = 0; (await entered('bench-hello')).length < customers.length; waited += 500) {
      if (waited > 120_000) throw new Error('segments: the warm-up events did not reach every workflow');
      await sleep(500);
    }
    log(`segments: ${customers.length} customers' workflows running`);
  }
  // Each customer VIEWS times, shuffled: their last view is the one that enters them.
  const order = customers.flatMap((email) => Array<string>(views).fill(email));
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const postedAt = new Map<string, number>();
  const inflight: Promise<void>[] = [];
  const t0 = Date.now();
  for (let i = 0; i < n; i++) {
    const due = t0 + (i * 1000) / RATE;
    if (due > Date.now()) await sleep(due - Date.now());
    const at = Date.now();
    inflight.push(
      world
        .post('/v1/events', { type: 'seg_view', customer: { email: order[i] } })
        .then((r) => {
          const id = r.body.customerId as string;
          if (r.status === 202 && at > (postedAt.get(id) ?? 0)) postedAt.set(id, at);
        })
        // Refused or timed out on a loaded machine: it counts as posted and never delivered.
        .catch(() => undefined),
    );
  }
  await Promise.all(inflight);
  const deadline = Date.now() + 60_000;
  let rows: { customer_id: string; at: Date }[] = [];
  while (Date.now() < deadline) {
    rows = await entered('bench-on-segment');
    if (rows.length >= customers.length) break;
    await sleep(500);
  }
  // journey_steps.at is a UTC wall time read back by pg in the process's zone: the test machine runs in UTC.
  const ms = rows.filter((r) => postedAt.has(r.customer_id)).map((r) => r.at.getTime() - postedAt.get(r.customer_id)!);
  const p = percentiles(ms);
  // Stopped and archived: the recompute's million events below are then no program's to signal.
  await must('/v1/programs/bench-on-segment/stop', {});
  await must('/v1/programs/bench-on-segment/archive', {});
  if (known) for (const step of ['stop', 'archive']) await must(`/v1/programs/bench-hello/${step}`, {});
  return {
    mode: MODE,
    ratePerSecond: RATE,
    seconds: SECONDS,
    posted: n,
    entering: customers.length,
    delivered: ms.length,
    p50: round(p.p50, 0),
    p99: round(p.p99, 0),
    max: round(p.max, 0),
    load: loadNow(),
  };
}

const CATEGORIES = `(ARRAY['dresses', 'shoes', 'hats', 'bags'])`;

const SEED = {
  customers: `
    INSERT INTO customers (id, traits, tags, updated_at)
    SELECT 'sc-' || g, jsonb_build_object('tier', (ARRAY['gold', 'silver', 'bronze'])[1 + g % 3], 'age', 18 + g % 60),
           CASE WHEN g % 10 = 0 THEN '{vip}'::text[] ELSE '{}' END, now()
      FROM generate_series(1, ${CUSTOMERS}) g`,
  traits: `
    INSERT INTO customer_traits (customer_id, order_count, total_spent, first_purchase_at, last_purchase_at,
                                 favourite_category, value_12m, opens_30d, clicks_30d, country, region)
    SELECT 'sc-' || g, n, n * (20 + g % 80), last - n * interval '20 days', last,
           ${CATEGORIES}[1 + g % 4], n * 15, g % 7, g % 3,
           (ARRAY['FR', 'DE', 'GB', 'ES', 'IT', 'US'])[1 + g % 6], 'region-' || g % 5
      FROM (SELECT g, 1 + floor(10 * random())::int AS n,
                   (now() AT TIME ZONE 'UTC') - random() * interval '400 days' AS last
              FROM generate_series(1, ${CUSTOMERS}) g WHERE g % 3 <> 0) x`,
  events: (from: number, count: number) => `
    INSERT INTO events (id, customer_id, type, occurred_at, properties, delivered_at, unreferenced)
    SELECT 'se-' || g, 'sc-' || (1 + floor(${CUSTOMERS} * power(random(), 1.6))::int),
           t, (now() AT TIME ZONE 'UTC') - random() * interval '365 days',
           CASE WHEN t IN ('product_view', 'purchase')
                THEN jsonb_build_object('category', ${CATEGORIES}[1 + floor(4 * random())::int],
                                        'total', floor(200 * random())::int)
                ELSE '{}'::jsonb END,
           now(), true
      FROM (SELECT g, CASE WHEN u < 0.40 THEN 'page_view' WHEN u < 0.70 THEN 'product_view'
                           WHEN u < 0.80 THEN 'cart_add' WHEN u < 0.88 THEN 'purchase'
                           WHEN u < 0.95 THEN 'email_opened' ELSE 'email_clicked' END AS t
              FROM (SELECT g, random() AS u FROM generate_series(${from + 1}, ${from + count}) g) r) x`,
};

async function seed(world: BenchWorld): Promise<number> {
  const started = performance.now();
  const pg = new Pg({ connectionString: world.databaseUrl });
  await pg.connect();
  try {
    const run = async (what: string, sql: string) => {
      const t = performance.now();
      const { rowCount } = await pg.query(sql);
      log(`segments seed: ${what} ${rowCount ?? 0} rows in ${round((performance.now() - t) / 1000, 1)} s`);
    };
    await run('customers', SEED.customers);
    await run('traits', SEED.traits);
    for (let from = 0; from < EVENTS; from += CHUNK)
      await run(`events from ${from}`, SEED.events(from, Math.min(CHUNK, EVENTS - from)));
    for (const table of ['customers', 'customer_traits', 'events'])
      await run(`vacuum ${table}`, `VACUUM ANALYZE ${table}`);
  } finally {
    await pg.end();
  }
  return round((performance.now() - started) / 1000, 1);
}

/** (2): the statement run after an event, for one customer, every bench segment affected. */
async function perEvent(world: BenchWorld) {
  const segments = BENCH_SEGMENTS.map(([id, definition]) => ({
    id,
    version: 1,
    definition: segmentDefinitionSchema.parse(definition),
  }));
  const ms: number[] = [];
  for (let i = 0; i < 200; i++) {
    // Skewed as the events are: many of these customers have hundreds of events.
    const customer = `sc-${1 + Math.floor(CUSTOMERS * Math.random() ** 1.6)}`;
    const now = new Date();
    const sql = transitionsSql(
      segments.map((s, i) => ({ id: s.id, version: s.version, compiled: compileSegment(s.definition, now, `s${i}_`) })),
      { customerIds: [customer], now, nextAttemptAt: now, unreferenced: { entered: true, left: true } },
    );
    const t = performance.now();
    await sqlRows(world.db, sql, []);
    ms.push(performance.now() - t);
  }
  const p = percentiles(ms);
  return {
    segments: segments.length,
    statements: ms.length,
    p50: round(p.p50, 1),
    p99: round(p.p99, 1),
    load: loadNow(),
  };
}

type RecomputeResult = Awaited<ReturnType<typeof recompute>>;

async function recompute(world: BenchWorld) {
  const t = performance.now();
  const { segments } = await refreshSegments(world.db, logger, { only: BENCH_SEGMENTS.map(([id]) => id) });
  return { seconds: round((performance.now() - t) / 1000, 1), segments, load: loadNow() };
}

export async function benchSegments(world: BenchWorld) {
  const latencyResult = PARTS.includes('latency') ? await latency(world) : undefined;
  if (latencyResult) log(`segments: POST → segment_entered p50 ${latencyResult.p50} ms, p99 ${latencyResult.p99} ms`);
  const large = PARTS.includes('recompute') ? await recomputes(world) : undefined;
  return { customers: CUSTOMERS, events: EVENTS, latency: latencyResult, ...large };
}

async function recomputes(world: BenchWorld) {
  const seedSeconds = await seed(world);
  const service = createSegmentService(world.db);
  for (const [id, definition] of BENCH_SEGMENTS) {
    await service.create(id, definition, 'bench');
    await service.publish(id, 'bench');
  }
  const perEventResult = await perEvent(world);
  log(`segments: per-event statement, 20 segments, p50 ${perEventResult.p50} ms, p99 ${perEventResult.p99} ms`);
  const first = await recompute(world);
  log(`segments: first full recompute of 20 segments in ${first.seconds} s`);
  const second = await recompute(world);
  log(`segments: second full recompute in ${second.seconds} s`);
  return { seedSeconds, perEvent: perEventResult, first, second };
}

export type SegmentsResult = Awaited<ReturnType<typeof benchSegments>>;

const row = (...cells: (string | number)[]) => console.log(`| ${cells.join(' | ')} |`);
const total = (run: RecomputeResult, key: 'entered' | 'left') => run.segments.reduce((n, x) => n + x[key], 0);

export function printSegments(result: BenchResult & { segments?: SegmentsResult }): void {
  const s = result.segments;
  if (!s) return;
  const base =
    s.seedSeconds === undefined ? '' : ` (${s.customers} customers, ${s.events} events, seeded in ${s.seedSeconds} s)`;
  console.log(`\n## Segments${base}\n`);
  row('measure', 'figure', 'load');
  row('---', '---', '---');
  const { latency: l, perEvent: e } = s;
  if (l)
    row(
      `POST → segment_entered at the workflow, ${l.ratePerSecond} events/s for ${l.seconds} s, ${l.mode} customers` +
        ` (${l.delivered} of ${l.entering} entered)`,
      `p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms`,
      l.load,
    );
  if (!e || !s.first || !s.second) return;
  row(`per-event evaluation, one customer × ${e.segments} segments`, `p50 ${e.p50} ms, p99 ${e.p99} ms`, e.load);
  for (const [name, run] of [['first', s.first] as const, ['second', s.second] as const])
    row(
      `${name} full recompute, 20 segments`,
      `${run.seconds} s, +${total(run, 'entered')} −${total(run, 'left')}`,
      run.load,
    );
  console.log('');
  row('segment', 'first: ms, entered', 'second: ms');
  row('---', '---', '---');
  s.first.segments.forEach((x, i) => row(x.id, `${x.ms}, ${x.entered}`, s.second?.segments[i]?.ms ?? '-'));
}
