// The event path on a real (file-backed, WAL) Temporal dev server, loopback only: `npm run bench`.
// 1. ingestion: durable events/s through POST /v1/events/batch vs a bare signalWithStart loop,
// 2. end-to-end latency: POST /v1/events → email at the sink, 10 events/s,
// 3. replay: 200-event customer histories/s through Worker.runReplayHistories,
// 4. worker memory: RSS per cached idle customer workflow.
// One worker runs throughout (both ingestion sides see it working). Prints a markdown table and
// writes bench/results/run-<timestamp>.json.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from '@temporalio/worker';
import { customerEventSignal, journeyStateQuery } from '../workflows/customer-signals';
import type { CustomerWorkflowInput } from '../workflows/customer-workflow';
import { CUSTOMER_ID_KEY } from '../workflows/search-attributes';
import { customerWorkflowId } from '../src/temporal/addressing';
import { fetchRunChain } from '../src/temporal/workflow-histories';
import { launchProgram, seedTemplates } from '../test/helpers/seed';
import { startBenchWorld, TASK_QUEUE, type BenchWorld } from './lib/world';

const ROOT = resolve(__dirname, '..');
const INGEST = { customers: 1_000, eventsPerCustomer: 1, batchSize: 100, concurrency: 8 };
const LATENCY = { ratePerSecond: 10, seconds: 30 };
/** The same at a trickle, to separate the path's own latency from queueing. */
const TRICKLE = { ratePerSecond: 2, seconds: 10 };
const REPLAY = { customers: 5, eventsPerCustomer: 200, rounds: 2 };
const MEMORY = { workflows: 1_000, maxCachedWorkflows: 10_000 };
const runId = Date.now().toString(36);

if (require.main === module)
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });

async function main(): Promise<void> {
  const started = performance.now();
  const world = await startBenchWorld({ maxCachedWorkflows: MEMORY.maxCachedWorkflows });
  try {
    await seedTemplates(world.db, ['bench-welcome']);
    await launchProgram(world.db, 'bench-welcome', {
      name: 'Bench welcome',
      entry: { event: 'bench_signup' },
      start: 'send',
      steps: { send: { kind: 'send', channel: 'email', template: 'bench-welcome', next: 'done' }, done: { kind: 'exit' } },
    } as never);
    log('world up');
    const ingestion = await benchIngestion(world);
    log(`ingestion: api ${ingestion.api.eventsPerSecond}/s, bare ${ingestion.bareSignalWithStart.eventsPerSecond}/s`);
    const trickle = await withCpu(() => benchLatency(world, TRICKLE, 'trickle'));
    log(`latency at ${TRICKLE.ratePerSecond}/s: p99 ${trickle.p99} ms`);
    const latency = await withCpu(() => benchLatency(world, LATENCY, 'lat'));
    log(`latency at ${LATENCY.ratePerSecond}/s: p99 ${latency.p99} ms`);
    const memory = await benchMemory(world);
    log(`memory: ${memory.kbPerWorkflow} kB/workflow`);
    const replay = await withCpu(() => benchReplay(world));
    log(`replay: ${replay.historiesPerSecond}/s`);
    const result = {
      at: new Date().toISOString(),
      server: 'temporal CLI dev server, file-backed SQLite (journal_mode=WAL, synchronous=NORMAL), loopback',
      worker: 'one worker running throughout, same process as API, client and sink',
      ingestion,
      latencyMs: latency,
      latencyTrickleMs: trickle,
      replay,
      memory,
      totalSeconds: Math.round((performance.now() - started) / 1000),
      machine: { cpus: cpus().length, loadAverage: loadavg().map((l) => Number(l.toFixed(1))), node: process.version, gcExposed: typeof global.gc === 'function' },
    };
    printTable(result);
    const dir = join(ROOT, 'bench/results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `run-${result.at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nwrote ${file}`);
  } finally {
    await world.stop();
  }
}

function log(msg: string): void {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

/** Runs `jobs` with at most `concurrency` in flight. */
async function pool<T>(jobs: (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}

/** Waits until the worker has applied `expected` events in each sampled customer's workflow. */
async function settle(world: BenchWorld, customerIds: string[], expected: number, timeoutMs = 90_000): Promise<number> {
  const t = performance.now();
  const sample = customerIds.filter((_, i) => i % Math.max(1, Math.floor(customerIds.length / 20)) === 0).concat(customerIds.at(-1)!);
  for (const id of sample) {
    for (;;) {
      const s = await world.client.workflow.getHandle(customerWorkflowId(id)).query(journeyStateQuery).catch(() => undefined);
      if (s && s.eventsSeen >= expected) break;
      if (performance.now() - t > timeoutMs) throw new Error(`settle: ${id} not caught up in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return Math.round(performance.now() - t);
}

function eventsFor(prefix: string, customers: number, perCustomer: number) {
  const events = [];
  // Round-robin over customers, so a batch holds up to 100 distinct customers.
  for (let e = 0; e < perCustomer; e++) for (let c = 0; c < customers; c++) events.push({ customerId: `${prefix}-${c}`, eventId: `${prefix}-${c}-${e}`, type: 'page_view' });
  return events;
}

async function benchIngestion(world: BenchWorld) {
  const total = INGEST.customers * INGEST.eventsPerCustomer;
  const bareCustomer = (id: string, eventId: string) => {
    const input: CustomerWorkflowInput = { customerId: id };
    return world.client.workflow.signalWithStart('customerWorkflow', {
      workflowId: customerWorkflowId(id),
      taskQueue: TASK_QUEUE,
      args: [input],
      signal: customerEventSignal,
      signalArgs: [{ id: eventId, type: 'page_view', occurredAt: new Date().toISOString(), properties: { path: '/bench' } }],
      typedSearchAttributes: [{ key: CUSTOMER_ID_KEY, value: id }],
    });
  };
  const apiBatch = async (items: ReturnType<typeof eventsFor>) => {
    const res = await world.post('/v1/events/batch', { events: items.map((e) => ({ eventId: e.eventId, type: e.type, customer: { id: e.customerId }, properties: { path: '/bench' } })) });
    if (res.status >= 300) throw new Error(`batch answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
    const results = (res.body.results ?? res.body.items ?? res.body) as { delivered?: boolean }[];
    return results.filter((r) => r.delivered === true).length;
  };
  // Warm-up: connections, prepared statements, JIT, the workflow bundle in the worker.
  await pool(eventsFor(`warm-bare-${runId}`, 50, 1).map((e) => () => bareCustomer(e.customerId, e.eventId)), INGEST.concurrency);
  await apiBatch(eventsFor(`warm-api-${runId}`, 50, 1));

  // Bare client: one signalWithStart per event, `concurrency` in flight.
  const bare = eventsFor(`bare-${runId}`, INGEST.customers, INGEST.eventsPerCustomer);
  let cpu = cpuNow();
  let t = performance.now();
  await pool(bare.map((e) => () => bareCustomer(e.customerId, e.eventId)), INGEST.concurrency);
  const bareSeconds = (performance.now() - t) / 1000;
  const bareCpu = cpuSince(cpu, bareSeconds);
  const bareIds = Array.from({ length: INGEST.customers }, (_, c) => `bare-${runId}-${c}`);
  const bareSettleMs = await settle(world, bareIds, INGEST.eventsPerCustomer);

  // Kairos API: batches of 100, `concurrency` batches in flight; only delivered items count.
  const api = eventsFor(`api-${runId}`, INGEST.customers, INGEST.eventsPerCustomer);
  const batches = [];
  for (let i = 0; i < api.length; i += INGEST.batchSize) batches.push(api.slice(i, i + INGEST.batchSize));
  cpu = cpuNow();
  t = performance.now();
  const delivered = (await pool(batches.map((b) => () => apiBatch(b)), INGEST.concurrency)).reduce((a, b) => a + b, 0);
  const apiSeconds = (performance.now() - t) / 1000;
  const apiCpu = cpuSince(cpu, apiSeconds);
  const apiIds = Array.from({ length: INGEST.customers }, (_, c) => `api-${runId}-${c}`);
  const apiSettleMs = await settle(world, apiIds, INGEST.eventsPerCustomer);

  const bareRate = total / bareSeconds;
  const apiRate = delivered / apiSeconds;
  return {
    events: total,
    customers: INGEST.customers,
    concurrency: INGEST.concurrency,
    batchSize: INGEST.batchSize,
    api: { delivered, seconds: round(apiSeconds, 2), eventsPerSecond: Math.round(apiRate), workerCatchUpMs: apiSettleMs, cpuCores: apiCpu },
    bareSignalWithStart: { seconds: round(bareSeconds, 2), eventsPerSecond: Math.round(bareRate), workerCatchUpMs: bareSettleMs, cpuCores: bareCpu },
    ratio: round(apiRate / bareRate, 2),
    target: 0.8,
  };
}

async function benchLatency(world: BenchWorld, LATENCY: { ratePerSecond: number; seconds: number }, prefix: string) {
  const n = LATENCY.ratePerSecond * LATENCY.seconds;
  const sentAt = new Map<string, number>();
  const statuses: number[] = [];
  const inflight: Promise<unknown>[] = [];
  const t0 = Date.now();
  for (let i = 0; i < n; i++) {
    const due = t0 + (i * 1000) / LATENCY.ratePerSecond;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const emailAddress = `${prefix}-${runId}-${i}@bench.test`;
    sentAt.set(emailAddress, Date.now());
    inflight.push(world.post('/v1/events', { eventId: `${prefix}-${runId}-${i}`, type: 'bench_signup', customer: { email: emailAddress } }).then((r) => statuses.push(r.status)));
  }
  await Promise.all(inflight);
  const latencies = new Map<string, number>();
  const deadline = Date.now() + 30_000;
  while (latencies.size < n && Date.now() < deadline) {
    for (const m of world.sink.store.list()) {
      const to = m.to[0]!;
      const start = sentAt.get(to);
      if (start !== undefined && !latencies.has(to)) latencies.set(to, Date.parse(m.receivedAt) - start);
    }
    if (latencies.size < n) await new Promise((r) => setTimeout(r, 250));
  }
  const all = [...latencies.values()];
  return { events: n, ratePerSecond: LATENCY.ratePerSecond, received: all.length, accepted202: statuses.filter((s) => s === 202).length, ...percentiles(all), target: { p99: 100 } };
}

async function benchReplay(world: BenchWorld) {
  const ids = Array.from({ length: REPLAY.customers }, (_, c) => `replay-${runId}-${c}`);
  // Each customer's 200 events in order, two batches of 100; customers in parallel.
  await Promise.all(
    ids.map(async (id) => {
      for (let b = 0; b < REPLAY.eventsPerCustomer; b += 100) {
        const events = Array.from({ length: 100 }, (_, k) => ({ eventId: `${id}-${b + k}`, type: 'page_view', customer: { id }, properties: { path: `/p/${(b + k) % 17}` } }));
        const res = await world.post('/v1/events/batch', { events });
        if (res.status >= 300) throw new Error(`replay batch answered ${res.status}`);
      }
    }),
  );
  await settle(world, ids, REPLAY.eventsPerCustomer);
  const histories: { workflowId: string; history: Awaited<ReturnType<typeof fetchRunChain>>['runs'][number]['history'] }[] = [];
  for (const id of ids) {
    const { runs } = await fetchRunChain(world.client, customerWorkflowId(id));
    for (const r of runs) histories.push({ workflowId: r.workflowId, history: r.history });
  }
  const bundle = { workflowBundle: { code: world.workflowCode } };
  // Each call builds a replay worker (bundle load) before its first result: time the gaps after
  // the first result too, to tell that start-up from the per-history replay cost.
  const gaps: number[] = [];
  const replayAll = async () => {
    let failures = 0;
    let last: number | undefined;
    for await (const result of Worker.runReplayHistories(bundle, histories)) {
      if (result.error) failures++;
      const now = performance.now();
      if (last !== undefined) gaps.push(now - last);
      last = now;
    }
    return failures;
  };
  await replayAll(); // warm-up (bundle load into the replay isolate)
  const t = performance.now();
  let failures = 0;
  for (let round = 0; round < REPLAY.rounds; round++) failures += await replayAll();
  const seconds = (performance.now() - t) / 1000;
  const replayed = histories.length * REPLAY.rounds;
  return {
    histories: histories.length,
    historyEvents: histories.map((h) => h.history.events?.length ?? 0),
    replayed,
    failures,
    seconds: round(seconds, 2),
    historiesPerSecond: round(replayed / seconds, 1),
    /** Excluding each call's replay-worker start-up: the mean gap between consecutive results. */
    steadyHistoriesPerSecond: round(1000 / (gaps.reduce((a, b) => a + b, 0) / Math.max(1, gaps.length)), 1),
    target: 10,
  };
}

async function benchMemory(world: BenchWorld) {
  const gc = () => (typeof global.gc === 'function' ? global.gc() : undefined);
  const rss = async () => {
    gc();
    await new Promise((r) => setTimeout(r, 500));
    gc();
    return process.memoryUsage().rss;
  };
  const before = await rss();
  const ids = Array.from({ length: MEMORY.workflows }, (_, c) => `mem-${runId}-${c}`);
  await pool(
    ids.map((id) => () =>
      world.client.workflow.signalWithStart('customerWorkflow', {
        workflowId: customerWorkflowId(id),
        taskQueue: TASK_QUEUE,
        args: [{ customerId: id } satisfies CustomerWorkflowInput],
        signal: customerEventSignal,
        signalArgs: [{ id: `${id}-0`, type: 'page_view', occurredAt: new Date().toISOString(), properties: {} }],
        typedSearchAttributes: [{ key: CUSTOMER_ID_KEY, value: id }],
      }),
    ),
    INGEST.concurrency,
  );
  await settle(world, ids, 1);
  const after = await rss();
  return {
    workflows: MEMORY.workflows,
    maxCachedWorkflows: MEMORY.maxCachedWorkflows,
    rssBeforeMb: round(before / 2 ** 20, 1),
    rssAfterMb: round(after / 2 ** 20, 1),
    kbPerWorkflow: round((after - before) / MEMORY.workflows / 1024, 1),
    gcExposed: typeof global.gc === 'function',
    note: 'process RSS (API, client and sink share the process); includes client-side allocation of the signalling loop',
  };
}

/** CPU seconds so far: this process (API, client, sink, worker) and the Temporal dev server child. */
function cpuNow() {
  const u = process.cpuUsage();
  let temporal = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[1] is ppid; utime and stime are fields 14 and 15 of stat (11 and 12 here), in ticks.
      if (Number(fields[1]) === process.pid && stat.includes('(temporal)')) temporal += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // gone
    }
  }
  return { node: (u.user + u.system) / 1e6, temporal, at: performance.now() };
}

/** Average cores busy since `from`: node (API + worker + client + sink) and the Temporal server. */
function cpuSince(from: ReturnType<typeof cpuNow>, seconds?: number) {
  const now = cpuNow();
  const s = seconds ?? (now.at - from.at) / 1000;
  return { node: round((now.node - from.node) / s, 2), temporalServer: round((now.temporal - from.temporal) / s, 2) };
}

async function withCpu<T extends object>(f: () => Promise<T>): Promise<T & { cpuCores: ReturnType<typeof cpuSince> }> {
  const from = cpuNow();
  const r = await f();
  return { ...r, cpuCores: cpuSince(from) };
}

function percentiles(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN);
  return { p50: at(50), p95: at(95), p99: at(99), max: s.at(-1) ?? NaN };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

type Result = {
  ingestion: Awaited<ReturnType<typeof benchIngestion>>;
  latencyMs: Awaited<ReturnType<typeof benchLatency>> & { cpuCores: { node: number; temporalServer: number } };
  latencyTrickleMs: Awaited<ReturnType<typeof benchLatency>>;
  replay: Awaited<ReturnType<typeof benchReplay>> & { cpuCores: { node: number; temporalServer: number } };
  memory: Awaited<ReturnType<typeof benchMemory>>;
  totalSeconds: number;
  machine: { cpus: number; loadAverage: number[] };
};

function printTable(r: Result): void {
  const i = r.ingestion;
  const l = r.latencyMs;
  const rows: [string, string, string, string][] = [
    ['Ingestion: POST /v1/events/batch', `${i.api.eventsPerSecond} events/s (${i.api.delivered}/${i.events} delivered)`, '', ''],
    ['Ingestion: bare signalWithStart', `${i.bareSignalWithStart.eventsPerSecond} events/s`, '', ''],
    ['Ingestion ratio (API / bare)', `${i.ratio}`, '≥ 0.8', i.ratio >= 0.8 ? 'met' : 'missed'],
    [`E2E latency at ${TRICKLE.ratePerSecond}/s p50 / p95 / p99`, `${r.latencyTrickleMs.p50} / ${r.latencyTrickleMs.p95} / ${r.latencyTrickleMs.p99} ms (${r.latencyTrickleMs.received}/${r.latencyTrickleMs.events} received)`, '', ''],
    [`E2E latency at ${LATENCY.ratePerSecond}/s p50 / p95 / p99`, `${l.p50} / ${l.p95} / ${l.p99} ms (${l.received}/${l.events} received)`, 'p99 ≤ 100 ms', l.p99 <= 100 && l.received === l.events ? 'met' : 'missed'],
    ['Replay (200-event customers)', `${r.replay.historiesPerSecond} histories/s (${r.replay.steadyHistoriesPerSecond}/s after replay-worker start-up; ${r.replay.histories} histories, ${r.replay.failures} failures)`, '≥ 10/s', r.replay.historiesPerSecond >= 10 ? 'met' : 'missed'],
    ['Worker RSS per cached workflow', `${r.memory.kbPerWorkflow} kB (${r.memory.workflows} workflows, gc ${r.memory.gcExposed ? 'on' : 'off'})`, '', ''],
  ];
  console.log(`\n${r.machine.cpus} CPUs, load ${r.machine.loadAverage.join(' ')}, ${r.totalSeconds} s in all; ${i.concurrency} in flight for both ingestion sides, worker running\n`);
  console.log('| Measure | Result | Target | |');
  console.log('|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  const c = (x: { node: number; temporalServer: number }) => `node ${x.node}, temporal ${x.temporalServer}`;
  console.log(`\nCPU cores busy (of ${r.machine.cpus}): API ingestion ${c(i.api.cpuCores)}; bare ${c(i.bareSignalWithStart.cpuCores)}; latency ${c(l.cpuCores)}; replay ${c(r.replay.cpuCores)}`);
}
