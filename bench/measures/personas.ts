// Issue 19's persona bar: GET /v1/segments/:id/persona answers in under a second for a segment of
// 100k members in a base of 1M customers. Writes that audience with set-based SQL (customers and
// their computed traits, 2M order lines over 1,000 products in 20 categories, 1M messages, the
// segment's 100k current and 40k past spells, and 9 other segments to overlap with), then times the
// route over HTTP (parsing, every query, JSON) after a warm-up, per interval.
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Client as Pg } from 'pg';
import { loadNow, log, percentiles, round } from '../lib/stats';
import { ADMIN_KEY, type BenchWorld } from '../lib/world';

const RUNS = 7;
const SCALE = { customers: 1_000_000, orderLines: 2_000_000, messages: 1_000_000, members: 100_000 };
/** Sizes of the other segments, as shares of the base. */
const OTHERS = [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4];
const SEGMENT = 'persona-bench';

const AGO = (days: number) => `(now() AT TIME ZONE 'UTC') - random() * interval '${days} days'`;
const COUNTRIES = `(ARRAY['FR','DE','GB','ES','IT','NL','BE','PL','SE','US',
  'CA','BR','JP','AU','IN','MX','PT','IE','AT','CH'])`;

const SEED: [string, string][] = [
  [
    'customers',
    `INSERT INTO customers (id, created_at, updated_at)
     SELECT 'pc-' || g, ${AGO(700)}, now() FROM generate_series(1, ${SCALE.customers}) g`,
  ],
  [
    'traits',
    `INSERT INTO customer_traits
       (customer_id, order_count, total_spent, value_12m, opens_30d, clicks_30d, country, region)
     SELECT 'pc-' || g, n, n * (10 + 90 * random()), 0, floor(6 * random())::int, floor(3 * random())::int,
            ${COUNTRIES}[1 + floor(20 * power(random(), 2))::int], 'region-' || floor(5 * random())::int
       FROM (SELECT g, floor(8 * power(random(), 2))::int AS n FROM generate_series(1, ${SCALE.customers}) g) x
      WHERE random() < 0.9`,
  ],
  [
    'products',
    `INSERT INTO products (id, name, category, price)
     SELECT 'pp-' || g, 'product ' || g, 'category-' || g % 20, 5 + g % 95 FROM generate_series(1, 1000) g`,
  ],
  [
    'order lines',
    `INSERT INTO order_lines (order_id, product_id, customer_id, quantity, price, ordered_at)
     SELECT 'po-' || g, 'pp-' || (1 + floor(1000 * power(random(), 1.5))::int),
            'pc-' || (1 + floor(${SCALE.customers} * random())::int), 1 + g % 3, 5 + g % 95, ${AGO(730)}
       FROM generate_series(1, ${SCALE.orderLines}) g`,
  ],
  [
    'messages',
    `INSERT INTO messages (key, customer_id, enrollment_id, program_id, version, step_id, channel, template_id, status,
                           scheduled_at, created_at)
     SELECT 'pm-' || g, 'pc-' || (1 + floor(${SCALE.customers} * random())::int),
            'enr', 'program', 1, 's1', 'email', 't',
            CASE WHEN random() < 0.85 THEN 'sent' ELSE 'skipped' END, at, at
       FROM (SELECT g, ${AGO(60)} AS at FROM generate_series(1, ${SCALE.messages}) g) x`,
  ],
  [
    'segments',
    `INSERT INTO segments (id, name, draft, current_version)
     SELECT id, id, '{}', 1
       FROM unnest(ARRAY['${SEGMENT}']
                   || ARRAY(SELECT 'persona-other-' || k FROM generate_series(1, ${OTHERS.length}) k)) id`,
  ],
  [
    "the segment's current members",
    `INSERT INTO segment_memberships (segment_id, customer_id, spell, version, entered_at)
     SELECT '${SEGMENT}', 'pc-' || g, 1, 1, ${AGO(90)}
       FROM generate_series(10, ${SCALE.customers}, ${SCALE.customers / SCALE.members}) g`,
  ],
  [
    "the segment's past members",
    `INSERT INTO segment_memberships (segment_id, customer_id, spell, version, entered_at, left_at)
     SELECT '${SEGMENT}', 'pc-' || g, 1, 1, at, at + random() * ((now() AT TIME ZONE 'UTC') - at)
       FROM (SELECT g, ${AGO(90)} AS at FROM generate_series(11, 400_000, 10) g) x`,
  ],
  ...OTHERS.map((share, i): [string, string] => [
    `segment persona-other-${i + 1}`,
    `INSERT INTO segment_memberships (segment_id, customer_id, spell, version, entered_at)
     SELECT 'persona-other-${i + 1}', 'pc-' || g, 1, 1, ${AGO(90)}
       FROM generate_series(1, ${SCALE.customers}) g WHERE random() < ${share}`,
  ]),
];

interface Timing {
  p50: number;
  p95: number;
  runs: number;
  load: number;
  /** CPU per request, in ms: PostgreSQL's (every backend and parallel worker) and this process's. */
  cpu: { postgres: number; node: number };
}

/** A process's user and system CPU from /proc, in ms: `[own, of its children waited for]`. */
function cpuOf(pid: number): { own: number; children: number; ppid: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ms = (i: number) => Number(fields[i]) * 10; // clock ticks of 10 ms
  return { own: ms(11) + ms(12), children: ms(13) + ms(14), ppid: Number(fields[1]) };
}

/**
 * CPU the PostgreSQL server has spent so far, in ms: the postmaster's, its live children's and
 * its exited children's (parallel workers end with their query). Wall time on this shared machine
 * measures the other sessions' load as much as the query; CPU time is the query's own cost.
 */
function postgresCpu(postmaster: number): number {
  const { own, children } = cpuOf(postmaster);
  let total = own + children;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const p = cpuOf(Number(pid));
      if (p.ppid === postmaster) total += p.own;
    } catch {
      // gone
    }
  }
  return total;
}

export interface PersonasResult {
  scale: typeof SCALE;
  otherSegments: number;
  memberships: number;
  seedSeconds: number;
  /** The first request, the API process's first persona: it waits for the base's figures too. */
  first: { ms: number; load: number };
  queries: ({ name: string; path: string; bytes: number } & Timing)[];
}

async function seed(world: BenchWorld): Promise<{ memberships: number; seedSeconds: number; postmaster: number }> {
  const started = performance.now();
  const pg = new Pg({ connectionString: world.databaseUrl });
  await pg.connect();
  try {
    let memberships = 0;
    for (const [what, sql] of SEED) {
      const t = performance.now();
      const { rowCount } = await pg.query(sql);
      if (what.includes('segment') && what !== 'segments') memberships += rowCount ?? 0;
      log(`personas seed: ${what} ${rowCount ?? 0} rows in ${round((performance.now() - t) / 1000, 1)} s`);
    }
    // As autovacuum would leave them by the time anyone looks: statistics and visibility maps.
    for (const table of ['customers', 'customer_traits', 'order_lines', 'products', 'messages', 'segment_memberships'])
      await pg.query(`VACUUM ANALYZE ${table}`);
    const [{ pid }] = (await pg.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [{ pid: number }];
    return { memberships, seedSeconds: round((performance.now() - started) / 1000, 1), postmaster: cpuOf(pid).ppid };
  } finally {
    await pg.end();
  }
}

async function get(world: BenchWorld, path: string): Promise<number> {
  const res = await fetch(`${world.apiUrl}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${body.slice(0, 300)}`);
  return body.length;
}

async function timed(postmaster: number, f: () => Promise<unknown>): Promise<Timing> {
  await f();
  const ms: number[] = [];
  const [pg, node] = [postgresCpu(postmaster), process.cpuUsage()];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await f();
    ms.push(performance.now() - t);
  }
  const cpu = {
    postgres: round((postgresCpu(postmaster) - pg) / RUNS, 0),
    node: round(process.cpuUsage(node).user / 1000 / RUNS + process.cpuUsage(node).system / 1000 / RUNS, 0),
  };
  const p = percentiles(ms);
  return { p50: round(p.p50, 1), p95: round(p.p95, 1), runs: RUNS, load: loadNow(), cpu };
}

const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

const QUERIES: [string, string][] = [
  ['persona, size by day over 30 days (the default)', `/v1/segments/${SEGMENT}/persona`],
  ['persona, size by day over 90 days', `/v1/segments/${SEGMENT}/persona?from=${day(90)}&to=${day(0)}`],
  [
    'persona, size by week over 365 days',
    `/v1/segments/${SEGMENT}/persona?from=${day(365)}&to=${day(0)}&interval=week`,
  ],
  ['persona of a 1% segment (10k members)', `/v1/segments/persona-other-1/persona`],
  ['persona of a 40% segment (400k members)', `/v1/segments/persona-other-9/persona`],
];

export async function benchPersonas(world: BenchWorld): Promise<PersonasResult> {
  const { postmaster, ...seeded } = await seed(world);
  const t = performance.now();
  await get(world, QUERIES[0]![1]);
  const first = { ms: round(performance.now() - t, 1), load: loadNow() };
  log(`personas: the first persona, with the base's figures: ${first.ms} ms`);
  const queries: PersonasResult['queries'] = [];
  for (const [name, path] of QUERIES) {
    const bytes = await get(world, path);
    const timing = await timed(postmaster, () => get(world, path));
    queries.push({ name, path, bytes, ...timing });
    log(`personas: ${name}: p50 ${timing.p50} ms, p95 ${timing.p95} ms, CPU ${JSON.stringify(timing.cpu)} ms`);
  }
  return { scale: SCALE, otherSegments: OTHERS.length, ...seeded, first, queries };
}

export function printPersonas(r: { personas?: PersonasResult }): void {
  const p = r.personas;
  if (!p) return;
  console.log(
    `\nPersonas: ${p.scale.customers} customers, ${p.scale.orderLines} order lines, ${p.scale.messages} messages, ` +
      `${p.memberships} membership spells in ${p.otherSegments + 1} segments (seeded in ${p.seedSeconds} s). ` +
      `Over HTTP, ${RUNS} runs after a warm-up:\n`,
  );
  console.log('| Query | p50 ms | p95 ms | CPU ms per request: PostgreSQL, API | |');
  console.log('|---|---|---|---|---|');
  console.log(
    `| the first persona of the process (the base's figures read too) | ${p.first.ms} | | | load ${p.first.load} |`,
  );
  for (const q of p.queries)
    console.log(
      `| ${q.name} | ${q.p50} | ${q.p95} | ${q.cpu.postgres}, ${q.cpu.node} | ${q.bytes} B; load ${q.load} |`,
    );
}
