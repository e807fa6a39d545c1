// Issue 19's analytics bar: each audience query answers in under a second on 1M customers and 10M
// events. Times each route over HTTP (the API's whole path: parsing, the rollup refresh a read
// does first, the queries, JSON) after a warm-up, on the audience bench/lib/audience-seed.ts
// writes; and what the writers' additions cost a write, and a steady-state refresher round.
import { performance } from 'node:perf_hooks';
import { markBuyers, countStoredEvent } from '../../src/analytics/audience-writes';
import { refreshAudienceRollups } from '../../src/analytics/audience-rollups';
import { storeUnreferencedBatch } from '../../src/ingestion/unreferenced-batch';
import { AUDIENCE, seedAudience, type AudienceSeed } from '../lib/audience-seed';
import { loadNow, log, percentiles, round } from '../lib/stats';
import { ADMIN_KEY, type BenchWorld } from '../lib/world';

const RUNS = 7;

interface Timing {
  p50: number;
  p95: number;
  runs: number;
  load: number;
}

export interface AnalyticsResult extends AudienceSeed {
  audience: typeof AUDIENCE;
  queries: ({ name: string; path: string; bytes: number } & Timing)[];
  writes: { name: string; timing: Timing }[];
}

async function timed(f: () => Promise<unknown>, runs = RUNS): Promise<Timing> {
  await f();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    ms.push(performance.now() - t);
  }
  const p = percentiles(ms);
  return { p50: round(p.p50, 1), p95: round(p.p95, 1), runs, load: loadNow() };
}

const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
const month = (monthsAgo: number) => {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - monthsAgo);
  return d.toISOString().slice(0, 7);
};

const QUERIES: [string, string][] = [
  [
    'funnel, 4 steps, 30 days, 7d window',
    `/v1/audience/funnel?from=${day(30)}&to=${day(1)}&steps=page_view,product_view,cart_add,purchase&window=7d`,
  ],
  ['funnel, 2 steps, 90 days', `/v1/audience/funnel?from=${day(90)}&to=${day(1)}&steps=cart_add,purchase&window=7d`],
  [
    'funnel, 3 steps, 30 days, split by program',
    `/v1/audience/funnel?from=${day(30)}&to=${day(1)}&steps=product_view,cart_add,purchase&split=program`,
  ],
  ['cohorts, 12 months', `/v1/audience/cohorts?from=${month(11)}&to=${month(0)}`],
  ['cohorts by first seen, 12 months', `/v1/audience/cohorts?from=${month(11)}&to=${month(0)}&basis=first_seen`],
  ['trends, 30 days by day', `/v1/audience/trends?from=${day(30)}&to=${day(1)}`],
  ['trends, 182 days by week', `/v1/audience/trends?from=${day(182)}&to=${day(1)}&interval=week`],
  ['geography, 30 days', `/v1/audience/geography?from=${day(30)}&to=${day(1)}`],
  ['RACE, 30 days', `/v1/audience/race?from=${day(30)}&to=${day(1)}`],
  ['RACE, 90 days', `/v1/audience/race?from=${day(90)}&to=${day(1)}`],
];

async function get(world: BenchWorld, path: string): Promise<number> {
  const res = await fetch(`${world.apiUrl}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${body.slice(0, 300)}`);
  return body.length;
}

export async function benchAnalytics(world: BenchWorld): Promise<AnalyticsResult> {
  const seed = await seedAudience(world);
  const queries: AnalyticsResult['queries'] = [];
  for (const [name, path] of QUERIES) {
    const bytes = await get(world, path);
    const timing = await timed(() => get(world, path));
    queries.push({ name, path, bytes, ...timing });
    log(`analytics: ${name}: p50 ${timing.p50} ms, p95 ${timing.p95} ms`);
  }
  // A write's additions, each in its own transaction as the writers run them inside theirs.
  let n = 0;
  const writes = [
    {
      name: "an event's count (countStoredEvent)",
      timing: await timed(() => world.db.$transaction((tx) => countStoredEvent(tx, 'page_view', new Date())), 50),
    },
    {
      name: "a purchase's buyer mark (markBuyers)",
      timing: await timed(() => world.db.$transaction((tx) => markBuyers(tx, [`ac-${++n}`])), 50),
    },
    {
      name: 'a refresher round after 1 event and 1 purchase',
      timing: await timed(async () => {
        await world.db.$transaction(async (tx) => {
          await countStoredEvent(tx, 'page_view', new Date());
          await markBuyers(tx, [`ac-${++n}`]);
        });
        await refreshAudienceRollups(world.db);
      }, 20),
    },
  ];
  // The batch path's 100 events with their count appended and the (type, occurred_at) index, then
  // without that index (dropped: this database is the bench's own), to price what the index adds.
  let batch = 0;
  const hundredEvents = () =>
    storeUnreferencedBatch(
      world.db,
      Array.from({ length: 100 }, (_, index) => ({
        index,
        input: {
          eventId: `bench-ev-${batch}-${index}`,
          type: 'page_view',
          customer: { id: `ac-${1 + index}` },
          properties: {},
        },
      })),
    ).then(() => batch++);
  writes.push({
    name: '100 events stored by the batch path (count appended, type index)',
    timing: await timed(hundredEvents, 30),
  });
  await world.db.$executeRawUnsafe('DROP INDEX events_type_occurred_at_idx');
  writes.push({ name: 'the same without the type index', timing: await timed(hundredEvents, 30) });
  for (const w of writes) log(`analytics: ${w.name}: p50 ${w.timing.p50} ms`);
  return { audience: AUDIENCE, ...seed, queries, writes };
}

export function printAnalytics(r: { analytics?: AnalyticsResult }): void {
  const a = r.analytics;
  if (!a) return;
  console.log(
    `\nAudience analytics: ${a.audience.customers} customers, ${a.audience.events} events, ${a.orderLines} order ` +
      `lines, ${a.audience.messages} messages (seeded in ${a.seedSeconds} s; rollups rebuilt for ` +
      `${a.rebuild.activityMarks} activity events and ${a.rebuild.buyers} buyers in ${a.rebuild.seconds} s, ` +
      `${a.rebuild.activeDays} active days). Over HTTP, ${RUNS} runs after a warm-up:\n`,
  );
  console.log('| Query | p50 ms | p95 ms | |');
  console.log('|---|---|---|---|');
  for (const q of a.queries) console.log(`| ${q.name} | ${q.p50} | ${q.p95} | ${q.bytes} B; load ${q.load} |`);
  for (const w of a.writes)
    console.log(`| ${w.name} | ${w.timing.p50} | ${w.timing.p95} | ${w.timing.runs} runs; load ${w.timing.load} |`);
}
