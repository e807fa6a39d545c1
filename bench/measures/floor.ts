// Cost per event against the floor (issue 14, Outcome 8). Kairos's event path beside a
// hand-written minimal workflow doing the same job (bench/floor/: signalWithStart per event, one
// send activity through the same SendGrid client to the same sink, done), driven by the bare
// Temporal client, on the same dev server, with the same worker options, in the same run. For
// events that each cause one email (a new customer's signup), the two pipelines take turns at
// every step, so a change in the shared machine's load falls on both:
//   1. what each carries with 64 events always on their way (closed loop, 2 x 15 s each);
//   2. sustained: 30 s probes (the `sustained` measure's test: backlog within 2 s of arrivals)
//      from 0.9 x that rate, up 15 % after one holds, down 20 % after one falls behind, at most 3;
//   3. at half the lower sustained rate (one both hold), 2 x 15 s each: p50 / p99 event to sink;
//      CPU ms per event in node (API, client, workers, activities, sink), the Temporal server and
//      PostgreSQL, from /proc/<pid>/stat net of idle (the lower of 10 s before and 10 s after);
//      database transactions per event (pg_stat_database);
//   4. history events of a few of those customers.
import { bundleWorkflowCode, Worker, type CompiledWorkerOptions } from '@temporalio/worker';
import { createSendGridSender } from '../../src/messaging/sendgrid-sender';
import { customerWorkflowId } from '../../src/temporal/addressing';
import { eventTypeName, localActivityOf, type History } from '../../src/temporal/workflow-histories';
import { poisonFailures } from '../../src/worker/poison-failures';
import { createFloorActivities } from '../floor/activities';
import { floorEventSignal, floorWorkflow } from '../floor/workflow';
import { busyCores, costPerEvent, cpuMeter, idleRates, lowerIdle, type CpuMeter } from '../lib/cpu';
import { runId, SIGNUP } from '../lib/journeys';
import { latencySummary, paced, postSignup, saturated, type Fire } from '../lib/paced';
import { loadNow, log, round, sleep } from '../lib/stats';
import { ADMIN_KEY, type BenchWorld } from '../lib/world';
import type { BenchResult } from '../table';
import { holds, quiet } from './sustained';

const FLOOR = {
  taskQueue: 'kairos-bench-floor',
  saturationBacklog: 64,
  /** In all, per pipeline, in chunks alternating with the other's. */
  saturationSeconds: 30,
  saturationChunks: 2,
  probeSeconds: 30,
  firstProbe: 0.9,
  probeUp: 1.15,
  probeDown: 0.8,
  maxProbes: 3,
  /** In all, per pipeline, in chunks alternating with the other's. */
  latencySeconds: 30,
  latencyChunks: 2,
  idleSeconds: 10,
  /** After the last email: Kairos records its steps after the send. */
  tailSeconds: 5,
  historySample: 5,
};
/** Issue 14, Outcome 8. */
const FLOOR_TARGETS = { sustained: 0.9, cpu: 1.5, p99: 2, historyEvents: 20, replayPerSecond: 5, memory: 1.2 };

type Side = 'kairos' | 'floor';
const SIDES: Side[] = ['kairos', 'floor'];
const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

/**
 * The floor's worker: Kairos's worker options (bench/lib/world.ts, src/worker/create-worker.ts) with the floor's bundle
 * and activity.
 */
async function startFloorWorker(world: BenchWorld) {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../floor/workflow'),
    logger: quietLogger,
  });
  const email = createSendGridSender({ apiKey: 'SG.bench-key', baseUrl: world.sink.url });
  const worker = await Worker.create({
    connection: world.connection,
    namespace: world.worker.options.namespace,
    taskQueue: FLOOR.taskQueue,
    workflowBundle: { code },
    activities: createFloorActivities(email, 'journeys@kairos.bench'),
    interceptors: { activity: [poisonFailures] },
    dataConverter: world.dataConverter,
    maxCachedWorkflows: world.worker.options.maxCachedWorkflows,
  });
  const running = worker.run();
  return {
    worker,
    stop: async () => {
      worker.shutdown();
      await running;
    },
  };
}

/** Compiled worker options that differ between the two workers, beyond what must (queue, code, activities). */
function optionDiffs(a: CompiledWorkerOptions, b: CompiledWorkerOptions): string[] {
  const own = new Set(['taskQueue', 'workflowBundle', 'workflowsPath', 'activities', 'buildId']);
  const json = (x: unknown) => {
    try {
      return JSON.stringify(x, (_, v: unknown) => (typeof v === 'function' ? `fn ${v.name}` : v));
    } catch {
      return String(x);
    }
  };
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof CompiledWorkerOptions>;
  return [...keys].filter((k) => !own.has(k) && json(a[k]) !== json(b[k]));
}

/** The history's length and what it is made of. */
function historyShape(history: History) {
  const events = history.events ?? [];
  const count = (type: string) => events.filter((e) => eventTypeName(e) === type).length;
  const markers = events.filter((e) => e.markerRecordedEventAttributes);
  return {
    events: events.length,
    workflowTasks: count('WORKFLOW_TASK_COMPLETED'),
    activities: count('ACTIVITY_TASK_SCHEDULED'),
    markers: markers.length,
    localActivities: markers.filter((e) => localActivityOf(e)).length,
    patches: markers.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch').length,
    searchAttributeUpdates: count('UPSERT_WORKFLOW_SEARCH_ATTRIBUTES'),
  };
}
type HistoryShape = ReturnType<typeof historyShape>;

/** The workflow an email's event went to: the customer's, found by email, or the floor's, named by the event. */
async function workflowIdOf(world: BenchWorld, side: Side, eventId: string, email: string): Promise<string> {
  if (side === 'floor') return `floor-${eventId}`;
  const res = await fetch(`${world.apiUrl}/v1/customers?email=${encodeURIComponent(email)}`, {
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
  });
  if (!res.ok) throw new Error(`no customer for ${email}: ${res.status}`);
  return customerWorkflowId(((await res.json()) as { id: string }).id);
}

/** History shapes of a few customers spread over the runs (`prefix`, `posted`) of one pipeline. */
async function histories(world: BenchWorld, side: Side, runs: { prefix: string; posted: number }[]) {
  const shapes: HistoryShape[] = [];
  for (let k = 0; k < FLOOR.historySample; k++) {
    const { prefix, posted } = runs[k % runs.length]!;
    const i = Math.floor((k * posted) / FLOOR.historySample);
    const id = await workflowIdOf(world, side, `${prefix}-${runId}-${i}`, `${prefix}-${runId}-${i}@bench.test`);
    shapes.push(historyShape(await world.client.workflow.getHandle(id).fetchHistory()));
  }
  const mean = Object.fromEntries(
    Object.keys(shapes[0]!).map((key) => [
      key,
      round(shapes.reduce((s, h) => s + h[key as keyof HistoryShape], 0) / shapes.length, 1),
    ]),
  ) as HistoryShape;
  return { ...mean, maxEvents: Math.max(...shapes.map((h) => h.events)), sampled: shapes.length };
}

/** Runs `run` for each pipeline in turn, `chunks` times over, so a change in the machine's load falls on both. */
async function alternating<T>(
  chunks: number,
  order: Side[],
  run: (side: Side, chunk: number) => Promise<T>,
): Promise<Record<Side, T[]>> {
  const out: Record<Side, T[]> = { kairos: [], floor: [] };
  for (let c = 0; c < chunks; c++) for (const side of order) out[side].push(await run(side, c));
  return out;
}

export async function benchFloor(world: BenchWorld) {
  const floorWorker = await startFloorWorker(world);
  const meter: CpuMeter = await cpuMeter(world.databaseUrl);
  try {
    const fire: Record<Side, Fire> = {
      kairos: postSignup(world),
      floor: (eventId, email) =>
        world.client.workflow
          .signalWithStart(floorWorkflow, {
            workflowId: `floor-${eventId}`,
            taskQueue: FLOOR.taskQueue,
            signal: floorEventSignal,
            signalArgs: [{ id: eventId, type: SIGNUP, email }],
          })
          .then(
            () => true,
            () => false,
          ),
    };
    const prefix = (side: Side, what: string) => `fl${side[0]}${what}`;

    // Warm-up: JIT, connections, both bundles.
    for (const side of SIDES) await paced(world, prefix(side, 'warm'), 4, 5, 30_000, fire[side]);
    await quiet(world);

    // 1. What each carries when never short of work.
    const chunks = await alternating(FLOOR.saturationChunks, SIDES, async (side, c) => {
      const from = await meter.sample();
      const s = await saturated(
        world,
        prefix(side, `sat${c}`),
        FLOOR.saturationBacklog,
        FLOOR.saturationSeconds / FLOOR.saturationChunks,
        fire[side],
        3,
      );
      const window = { from, to: await meter.sample() };
      await quiet(world);
      return { ...s, window };
    });
    const carries = (side: Side) => {
      const cs = chunks[side];
      const eventsPerSecond = round(cs.reduce((a, c) => a + c.eventsPerSecond, 0) / cs.length, 1);
      const cores = busyCores(cs.map((c) => c.window));
      const cpuMsPerEvent = round(
        (((cores.node ?? 0) + (cores.temporal ?? 0) + (cores.postgres ?? 0)) * 1000) / Math.max(0.1, eventsPerSecond),
        0,
      );
      log(
        `floor measure: ${side} carries ${eventsPerSecond}/s with ${FLOOR.saturationBacklog} on their way ` +
          `(${cs.map((c) => round(c.eventsPerSecond, 1)).join(', ')})`,
      );
      return {
        eventsPerSecond,
        chunks: cs.map((c) => round(c.eventsPerSecond, 1)),
        posted: cs.reduce((a, c) => a + c.posted, 0),
        refused: cs.reduce((a, c) => a + c.refused, 0),
        cores,
        cpuMsPerEvent,
        load: loadNow(),
      };
    };
    const capacity = { kairos: carries('kairos'), floor: carries('floor') };

    // 2. Sustained: 30 s probes from 0.9 x that, alternating; up by 15 % after one holds, down by
    //    20 % after one falls behind, until the two meet (or 3 probes).
    const probes: Record<Side, { rate: number; held: boolean; backlogEnd: number; load: number }[]> = {
      kairos: [],
      floor: [],
    };
    const sustained: Record<Side, number> = { kairos: 0, floor: 0 };
    const failed: Record<Side, number> = { kairos: Infinity, floor: Infinity };
    const next: Record<Side, number | null> = {
      kairos: round(capacity.kairos.eventsPerSecond * FLOOR.firstProbe, 1),
      floor: round(capacity.floor.eventsPerSecond * FLOOR.firstProbe, 1),
    };
    await alternating(FLOOR.maxProbes, SIDES, async (side, p) => {
      const rate = next[side];
      if (rate === null) return;
      const run = await paced(world, prefix(side, `p${p}`), rate, FLOOR.probeSeconds, 20_000, fire[side]);
      const held = holds(run);
      probes[side].push({ rate, held, backlogEnd: run.backlog.at(-1) ?? 0, load: loadNow() });
      log(
        `floor measure: ${side} probe ${rate}/s ${held ? 'holds' : 'falls behind'} ` +
          `(backlog at end ${run.backlog.at(-1)}, ${run.received}/${run.posted} arrived)`,
      );
      if (held) sustained[side] = rate;
      else failed[side] = rate;
      const step = round(rate * (held ? FLOOR.probeUp : FLOOR.probeDown), 1);
      next[side] = (held && failed[side] < Infinity) || (!held && sustained[side] > 0) || step < 0.5 ? null : step;
      await quiet(world);
    });

    // 3. Latency and CPU per event at a rate both hold, between two idle periods. The floor goes
    //    first: PostgreSQL reports transactions up to 10 s late, and the floor makes none, so all
    //    from here to the end are Kairos's.
    const rate = Math.max(1, round(Math.min(sustained.kairos || 2, sustained.floor || 2) / 2, 1));
    await quiet(world);
    const idleBefore = await idleRates(meter, FLOOR.idleSeconds);
    const start = await meter.sample();
    const windows = await alternating(FLOOR.latencyChunks, ['floor', 'kairos'], async (side, c) => {
      const from = await meter.sample();
      const run = await paced(
        world,
        prefix(side, `lat${c}`),
        rate,
        FLOOR.latencySeconds / FLOOR.latencyChunks,
        60_000,
        fire[side],
      );
      await sleep(FLOOR.tailSeconds * 1000);
      return { from, to: await meter.sample(), run, load: loadNow() };
    });
    const idle = lowerIdle(idleBefore, await idleRates(meter, FLOOR.idleSeconds));
    const end = await meter.sample();

    const side = async (s: Side) => {
      const ws = windows[s];
      const events = ws.reduce((a, w) => a + w.run.posted, 0);
      const run = {
        rate,
        seconds: FLOOR.latencySeconds,
        posted: events,
        received: ws.reduce((a, w) => a + w.run.received, 0),
        refused: ws.reduce((a, w) => a + w.run.refused, 0),
        backlog: [],
        latenciesMs: ws.flatMap((w) => w.run.latenciesMs),
      };
      return {
        carries: capacity[s],
        sustained: { eventsPerSecond: sustained[s], probeSeconds: FLOOR.probeSeconds, probes: probes[s] },
        atRate: { ...latencySummary(run), load: round(ws.reduce((a, w) => a + w.load, 0) / ws.length, 1) },
        cost: costPerEvent(ws, events, idle),
        /** Database transactions per event (pg_stat_database); the floor makes none. */
        transactions: s === 'floor' ? 0 : round((end.transactions - start.transactions) / Math.max(1, events), 1),
        history: await histories(
          world,
          s,
          ws.map((w, c) => ({ prefix: prefix(s, `lat${c}`), posted: w.run.posted })),
        ),
      };
    };
    const kairos = await side('kairos');
    const floor = await side('floor');
    const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 2) : null);
    return {
      rate,
      kairos,
      floor,
      ratios: {
        sustained: ratio(kairos.sustained.eventsPerSecond, floor.sustained.eventsPerSecond),
        carries: ratio(kairos.carries.eventsPerSecond, floor.carries.eventsPerSecond),
        cpu: ratio(kairos.cost.totalMs, floor.cost.totalMs),
        p99: ratio(kairos.atRate.p99, floor.atRate.p99),
        historyEvents: ratio(kairos.history.maxEvents, floor.history.maxEvents),
      },
      idleCores: { node: round(idle.node, 3), temporal: round(idle.temporal, 3), postgres: round(idle.postgres, 3) },
      postgresPostmaster: meter.postmaster,
      /** Client connections to the cluster's other databases at the end: their CPU counts as ours. */
      postgresOtherClients: await meter.otherClients(),
      /** Worker options that differ between Kairos's worker and the floor's (should be none). */
      workerOptionDiffs: optionDiffs(world.worker.options, floorWorker.worker.options),
      load: loadNow(),
      targets: FLOOR_TARGETS,
    };
  } finally {
    await meter.close();
    await floorWorker.stop();
  }
}

export type FloorResult = Awaited<ReturnType<typeof benchFloor>>;

const verdict = (ok: boolean | null) => (ok === null ? 'n/a' : ok ? 'met' : 'missed');

/** Kairos and the floor side by side, then Outcome 8's ratios (replay and memory from their own measures, when run). */
export function printFloor(r: BenchResult): void {
  const f = r.floor;
  if (!f) return;
  const row = (name: string, s: FloorResult['kairos']) =>
    `| ${name} | ${s.carries.eventsPerSecond}/s (${s.carries.cpuMsPerEvent} ms CPU each: ` +
    `cores node ${s.carries.cores.node}, Temporal ${s.carries.cores.temporal}, ` +
    `PostgreSQL ${s.carries.cores.postgres ?? 'n/a'}; load ${s.carries.load}) | ` +
    `${s.sustained.eventsPerSecond}/s ` +
    `(${s.sustained.probes.map((p) => `${p.rate} ${p.held ? '✓' : '✗'}`).join(', ')}) | ` +
    `${s.cost.nodeMs} | ${s.cost.temporalMs} | ${s.cost.postgresMs ?? 'n/a'} | ` +
    `${s.cost.totalMs} | ${s.transactions} | ` +
    `${s.atRate.p50} / ${s.atRate.p99} ms (${s.atRate.received}/${s.atRate.events}; load ${s.atRate.load}) | ` +
    `${s.history.events}${s.history.maxEvents !== s.history.events ? ` (max ${s.history.maxEvents})` : ''} ` +
    `(${s.history.workflowTasks} workflow tasks, ${s.history.activities} activities, ` +
    `${s.history.markers} markers of which ${s.history.patches} patches, ` +
    `${s.history.searchAttributeUpdates} search-attribute updates) |`;
  console.log(
    `\nCost per event against the floor (one email per event; load at the end ${f.load}; ` +
      `worker options differing: ${f.workerOptionDiffs.join(', ') || 'none'}; ` +
      `other clients on the PostgreSQL cluster: ${f.postgresOtherClients})\n`,
  );
  console.log(
    `| Pipeline | Carries (${FLOOR.saturationBacklog} in flight) | Sustained (${FLOOR.probeSeconds} s probes) | ` +
      `node ms/event | Temporal ms/event | PostgreSQL ms/event | CPU ms/event | ` +
      `DB transactions/event | p50 / p99 at ${f.rate}/s | History events |`,
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  console.log(row('Kairos: new customer, signup, one email', f.kairos));
  console.log(row('Floor: signalWithStart, one send activity', f.floor));

  const t = f.targets;
  const rows: string[][] = [
    [
      'Sustained events/s, Kairos / floor',
      `${f.ratios.sustained ?? 'n/a'}×`,
      `≥ ${t.sustained}×`,
      verdict(f.ratios.sustained === null ? null : f.ratios.sustained >= t.sustained),
    ],
    [
      'CPU per event (node + Temporal + PostgreSQL), Kairos / floor',
      `${f.ratios.cpu ?? 'n/a'}× (${f.kairos.cost.totalMs} vs ${f.floor.cost.totalMs} ms)`,
      `≤ ${t.cpu}×`,
      verdict(f.ratios.cpu === null ? null : f.ratios.cpu <= t.cpu),
    ],
    [
      `p99 event to sink at ${f.rate}/s, Kairos / floor`,
      `${f.ratios.p99 ?? 'n/a'}× (${f.kairos.atRate.p99} vs ${f.floor.atRate.p99} ms)`,
      `≤ ${t.p99}×`,
      verdict(f.ratios.p99 === null ? null : f.ratios.p99 <= t.p99),
    ],
    [
      'History events, new customer with one message',
      `${f.kairos.history.maxEvents} (floor ${f.floor.history.maxEvents})`,
      `≤ ${t.historyEvents}`,
      verdict(f.kairos.history.maxEvents <= t.historyEvents),
    ],
  ];
  if (r.replay)
    rows.push([
      'Replay, customers with 200 events',
      `${r.replay.historiesPerSecond} histories/s`,
      `≥ ${t.replayPerSecond}/s`,
      verdict(r.replay.historiesPerSecond >= t.replayPerSecond),
    ]);
  const mem = r.memory?.levels.find((l) => l.cached === r.memoryFloor?.levels[0]?.cached);
  const memFloor = r.memoryFloor?.levels[0];
  if (mem && memFloor) {
    const m = round(mem.kbPerWorkflow / memFloor.kbPerWorkflow, 2);
    rows.push([
      `Worker memory per cached workflow at ${mem.cached}, customer / minimal`,
      `${m}× (${mem.kbPerWorkflow} vs ${memFloor.kbPerWorkflow} kB)`,
      `≤ ${t.memory}×`,
      verdict(m <= t.memory),
    ]);
  }
  console.log('\n| Outcome 8 | Result | Target | |');
  console.log('|---|---|---|---|');
  for (const x of rows) console.log(`| ${x.join(' | ')} |`);
  if (!r.replay || !mem) console.log('(replay and worker memory: `npm run bench -- replay,memory`, or the full run)');
}
