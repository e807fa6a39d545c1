// Issue 17's bench: throughput and CPU per event on the production topology beside the dev
// server, in one run: the CLI's dev server with one worker process, then a real temporal-server on
// PostgreSQL with one worker process and with two. Each setup is the drills' world
// (test/drills/support/drill-world.ts: the API over HTTP with its relay, workers in child
// processes, the sink): a warm-up, then a load of customers (a page view, the program's trigger
// and a cart view each, posted in batches as fast as the API takes them), timed until every
// customer's one email is at the sink. The rate is what the setup completes at saturation: the
// most it could sustain, on this machine, with everything on the same 2 cores.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { admin, dropDatabase } from '../../test/helpers/database';
import { withDatabase } from '../../test/helpers/database-url';
import { startDrillWorld, type DrillTemporal, type DrillWorld } from '../../test/drills/support/drill-world';
import { drillEvents, EVENTS_PER_CUSTOMER, runLoad } from '../../test/drills/support/load';
import { startTestTemporalServer } from '../../test/drills/support/real-temporal';
import { cpuBetween, sampleCpu } from '../lib/machine-cpu';
import { loadNow, log, round, sleep } from '../lib/stats';
import type { BenchWorld } from '../lib/world';

const ROOT = resolve(__dirname, '../..');
const WARM_UP = 60;
const CUSTOMERS = Number(process.env.BENCH_CLUSTER_CUSTOMERS ?? 600);
const SETTLE_TIMEOUT_MS = 15 * 60_000;

export interface ClusterRow {
  setup: string;
  customers: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  emailsPerSecond: number;
  /**
   * CPU ms per event by role, and their sum; `machine` is every process's (other work on the
   * machine included), a check that no role was missed.
   */
  cpuMsPerEvent: {
    total: number;
    workers: number;
    temporal: number;
    postgres: number;
    apiAndLoad: number;
    machine: number;
  };
  load: number;
}

export async function benchCluster(world: BenchWorld): Promise<ClusterRow[]> {
  const restore = await prepareDrillSupport(world);
  const rows: ClusterRow[] = [];
  try {
    rows.push(await measure('dev server, 1 worker', { workers: 1 }));
    // One server for both of its setups, with a store of its own on the bench's PostgreSQL.
    const server = await startTestTemporalServer();
    try {
      rows.push(await measure('temporal-server, 1 worker', { workers: 1, temporal: server }));
      rows.push(await measure('temporal-server, 2 workers', { workers: 2, temporal: server }));
    } finally {
      await server.drop();
    }
  } finally {
    await restore();
  }
  return rows;
}

async function measure(setup: string, options: { workers: number; temporal?: DrillTemporal }): Promise<ClusterRow> {
  const world = await startDrillWorld({ workers: options.workers, temporal: options.temporal });
  try {
    const tag = randomBytes(3).toString('hex');
    await loadAndSettle(world, `warm-${tag}`, WARM_UP);
    const groups = {
      workers: { pids: world.workers.map((w) => w.pid) },
      temporal: { comm: 'temporal' }, // the dev server's `temporal` and `temporal-server`
      postgres: { comm: 'postgres' },
      apiAndLoad: { pids: [process.pid] },
    };
    const before = sampleCpu(groups);
    const started = performance.now();
    await loadAndSettle(world, `run-${tag}`, CUSTOMERS);
    const seconds = (performance.now() - started) / 1000;
    const spent = cpuBetween(before, sampleCpu(groups));
    const events = CUSTOMERS * EVENTS_PER_CUSTOMER;
    const perEvent = (s: number) => round((s / events) * 1000, 1);
    const row: ClusterRow = {
      setup,
      customers: CUSTOMERS,
      events,
      seconds: round(seconds, 1),
      eventsPerSecond: round(events / seconds, 1),
      emailsPerSecond: round(CUSTOMERS / seconds, 1),
      cpuMsPerEvent: {
        total: perEvent(Object.values(spent.byGroup).reduce((a, b) => a + b, 0)),
        machine: perEvent(spent.machine),
        workers: perEvent(spent.byGroup.workers!),
        temporal: perEvent(spent.byGroup.temporal!),
        postgres: perEvent(spent.byGroup.postgres!),
        apiAndLoad: perEvent(spent.byGroup.apiAndLoad!),
      },
      load: loadNow(),
    };
    log(`cluster: ${setup}: ${row.eventsPerSecond} events/s, ${row.cpuMsPerEvent.total} ms CPU per event`);
    return row;
  } finally {
    await world.stop();
  }
}

/** Posts `customers` customers' events and waits until each one's email is at the sink. */
async function loadAndSettle(world: DrillWorld, prefix: string, customers: number): Promise<void> {
  const load = await runLoad(world.http, drillEvents(prefix, customers), { batchSize: 50, concurrency: 4 });
  if (load.failedItems) throw new Error(`${prefix}: ${load.failedItems} events refused`);
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  const arrived = () => world.sink.store.list().filter((m) => m.to.some((to) => to.startsWith(`${prefix}-`))).length;
  while (arrived() < customers) {
    if (Date.now() > deadline) throw new Error(`${prefix}: ${arrived()} of ${customers} emails after 15 min`);
    await sleep(200);
  }
}

/**
 * The drills' world reads what jest's global setup provides: a migrated template database on the
 * run's server, and the workflow bundle as a file. A template of its own: CREATE DATABASE copies
 * only a database nobody is connected to, and the bench's world stays connected to its own.
 */
async function prepareDrillSupport(world: BenchWorld): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'kairos-bench-bundle-'));
  const bundle = join(dir, 'workflow-bundle.js');
  writeFileSync(bundle, world.workflowCode);
  const server = withDatabase(world.databaseUrl, 'postgres');
  const template = `kairos_bench_template_${randomBytes(4).toString('hex')}`;
  await admin(server, `CREATE DATABASE ${template}`);
  execFileSync('bash', [join(ROOT, 'scripts/prisma.sh'), 'migrate', 'deploy'], {
    env: { ...process.env, DATABASE_URL: withDatabase(world.databaseUrl, template) },
    stdio: 'ignore',
  });
  const saved = { ...process.env };
  Object.assign(process.env, {
    KAIROS_TEST_DATABASE_URL: server,
    KAIROS_TEST_TEMPLATE_DB: template,
    KAIROS_TEST_WORKFLOW_BUNDLE: bundle,
  });
  return async () => {
    process.env = saved;
    await dropDatabase(server, template);
    rmSync(dir, { recursive: true, force: true });
  };
}

export function printCluster(r: { cluster?: ClusterRow[] }): void {
  if (!r.cluster) return;
  console.log(
    `\nCluster: ${r.cluster[0]?.customers} customers per setup (${EVENTS_PER_CUSTOMER} events and one email each), ` +
      'posted as fast as the API takes them, until every email is at the sink:\n',
  );
  console.log(
    '| Setup | events/s | emails/s | CPU ms/event | workers | Temporal | PostgreSQL | API + load | machine | load |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const x of r.cluster)
    console.log(
      `| ${x.setup} | ${x.eventsPerSecond} | ${x.emailsPerSecond} | ${x.cpuMsPerEvent.total} | ` +
        `${x.cpuMsPerEvent.workers} | ${x.cpuMsPerEvent.temporal} | ${x.cpuMsPerEvent.postgres} | ` +
        `${x.cpuMsPerEvent.apiAndLoad} | ${x.cpuMsPerEvent.machine} | ${x.load} |`,
    );
}
