// `npm run bench`: the event path on a real (file-backed, WAL) Temporal dev server, loopback only.
// The six measures (bench/measures/*), a markdown table on stdout and
// bench/results/run-<timestamp>.json.
// BENCH_ONLY=ingestion,unreferenced,latency,sustained,floor,memory,replay,overhead,console (or the names as
// arguments: `npm run bench -- floor`) runs a subset. Every figure carries the load average: this 2-core
// machine is shared.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { seedBenchProgram } from './lib/journeys';
import { log, round } from './lib/stats';
import { startBenchWorld } from './lib/world';
import { benchAnalytics, printAnalytics } from './measures/analytics';
import { benchCluster, printCluster } from './measures/cluster';
import { benchBroadcast, printBroadcast } from './measures/broadcast';
import { benchConsole, printConsole } from './measures/console';
import { benchFloor } from './measures/floor';
import { benchImports, printImports } from './measures/imports';
import { benchIngestion } from './measures/ingestion';
import { benchLatency } from './measures/latency';
import { benchMemory } from './measures/memory';
import { benchOverhead, minimalBundle } from './measures/overhead';
import { benchPersonas, printPersonas } from './measures/personas';
import { benchReplay } from './measures/replay';
import { benchSegments, printSegments } from './measures/segments';
import { benchSustained } from './measures/sustained';
import { benchTraits, printTraits } from './measures/traits';
import { printTable, type BenchResult } from './table';
import { benchUnreferencedIngestion, printUnreferencedIngestion } from './unreferenced-ingestion';

/** The common table's fields and each named measure's, as its printer reads them. */
type AllResults = BenchResult &
  Parameters<typeof printUnreferencedIngestion>[0] &
  Parameters<typeof printConsole>[0] &
  Parameters<typeof printCluster>[0] &
  Parameters<typeof printPersonas>[0] &
  Parameters<typeof printTraits>[0] &
  Parameters<typeof printAnalytics>[0] &
  Parameters<typeof printImports>[0] &
  Parameters<typeof printBroadcast>[0] &
  Parameters<typeof printSegments>[0];

const ROOT = resolve(__dirname, '..');
const only = process.argv.length > 2 ? process.argv.slice(2).join(',').split(',') : process.env.BENCH_ONLY?.split(',');
const wanted = (measure: string) => !only || only.includes(measure);

if (require.main === module)
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });

async function main(): Promise<void> {
  // Core warns of every workflow task over 5 s, which a loaded 2-core machine produces by the hundred.
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
  });
  const started = performance.now();
  const at = new Date().toISOString();
  const stamp = at.replace(/[:.]/g, '-');
  const world = await startBenchWorld({ maxCachedWorkflows: 10_000 });
  const result: AllResults = {
    at,
    server: 'temporal CLI dev server, file-backed SQLite (journal_mode=WAL, synchronous=NORMAL), loopback',
    worker: 'one worker in the API process (memory: a worker process of its own)',
  };
  try {
    await seedBenchProgram(world);
    log('world up');
    if (wanted('ingestion')) {
      result.ingestion = await benchIngestion(world);
      log(
        `ingestion: api ${result.ingestion.api.eventsPerSecond}/s, ` +
          `bare ${result.ingestion.bareSignalWithStart.eventsPerSecond}/s`,
      );
    }
    if (wanted('unreferenced'))
      Object.assign(result, { unreferencedIngestion: await benchUnreferencedIngestion(world) });
    if (wanted('latency')) {
      result.latencyTrickle = await benchLatency(world, 2, 'trickle', 10);
      result.latency10 = await benchLatency(world, 10, 'lat10');
      log(`latency at 10/s: p99 ${result.latency10.p99} ms`);
    }
    if (wanted('sustained')) {
      result.sustained = await benchSustained(world);
      log(`sustained: ${result.sustained.eventsPerSecond}/s`);
      const half = round(result.sustained.eventsPerSecond / 2, 1);
      if (half > 0) result.latencyHalf = await benchLatency(world, half, 'lathalf');
    }
    if (wanted('floor')) {
      result.floor = await benchFloor(world);
      log(
        `floor: sustained ${result.floor.ratios.sustained}×, CPU ${result.floor.ratios.cpu}×, ` +
          `p99 ${result.floor.ratios.p99}× the floor`,
      );
    }
    if (wanted('replay')) {
      result.replay = await benchReplay(world, join(ROOT, `bench/results/histories-${stamp}`));
      log(`replay: ${result.replay.historiesPerSecond}/s`);
    }
    if (wanted('overhead')) {
      result.overhead = await benchOverhead(world);
      log(`interpreter overhead: ${result.overhead.ratio}×`);
    }
    if (wanted('memory')) {
      result.memory = await benchMemory(world);
      result.memoryFloor = await benchMemory(world, {
        type: 'minimalCustomerWorkflow',
        code: await minimalBundle(),
        levels: [1000],
      });
    }
    if (wanted('console')) Object.assign(result, { console: await benchConsole(world) });
    if (wanted('cluster')) Object.assign(result, { cluster: await benchCluster(world) });
    // 10M events to write first: only when named (`npm run bench -- analytics`).
    if (only?.includes('analytics')) Object.assign(result, { analytics: await benchAnalytics(world) });
    // 1M customers and 10M purchase lines to write first: only when named (`npm run bench -- imports`).
    if (only?.includes('imports')) Object.assign(result, { imports: await benchImports(world) });
    // 1M customers and 10M events to write first: only when named (`npm run bench -- segments`).
    if (only?.includes('segments')) Object.assign(result, { segments: await benchSegments(world) });
    // A segment of BENCH_BROADCAST_CUSTOMERS to seed and email: only when named (`npm run bench -- broadcast`).
    if (only?.includes('broadcast')) Object.assign(result, { broadcast: await benchBroadcast(world) });
    // 1M customers and 2M order lines to write first: only when named (`npm run bench -- personas`).
    if (only?.includes('personas')) Object.assign(result, { personas: await benchPersonas(world) });
    // 1M customers and 10M order lines to write first: only when named (`npm run bench -- traits`).
    if (only?.includes('traits')) Object.assign(result, { traits: await benchTraits(world) });
    result.totalSeconds = Math.round((performance.now() - started) / 1000);
    result.machine = { cpus: cpus().length, loadAverage: loadavg().map((l) => round(l, 1)), node: process.version };
    printTable(result);
    printUnreferencedIngestion(result);
    printConsole(result);
    printCluster(result);
    printPersonas(result);
    printTraits(result);
    printAnalytics(result);
    printImports(result);
    printBroadcast(result);
    printSegments(result);
  } finally {
    const dir = join(ROOT, 'bench/results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `run-${stamp}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nwrote ${file}`);
    await world.stop();
  }
}
