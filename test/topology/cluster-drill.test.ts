// Drills on the production topology: a real temporal-server on PostgreSQL and two worker
// processes on one task queue, under a load of customers through the API whose program sends one
// email at once. One of the two workers goes a third of the way in, and the other carries on alone,
// never restarted:
// - kill -9 (a crashed host): the survivor takes over the dead worker's workflows and retries its
//   activities once their timeouts pass. Nothing is sent twice; a send that died inside the
//   provider call may be lost, flagged `unconfirmed` (docs/ARCHITECTURE.md, "Sending exactly once").
// - SIGTERM (a deploy): the worker drains, finishing its sends, and exits by itself; nothing is in doubt.
// Every event is applied once in both. A third drill restarts the server itself mid-load, with both
// workers running: the API keeps acknowledging into its outbox and the journeys resume.
// KAIROS_DRILL_SCALE=full (npm run drills) runs 5,000 customers.
import { startDrillWorld, type DrillWorld } from '../drills/support/drill-world';
import { drillEvents, runLoad, type LoadReport } from '../drills/support/load';
import { startTestTemporalServer, type TestTemporalServer } from '../drills/support/real-temporal';
import { restartUnderLoad } from '../drills/support/restart-under-load';
import { DRILL_TIMEOUT_MS, drillBudget, scaled } from '../drills/support/scale';
import { appliedEvents, expectExactlyOnce, printCounts, settleMessages } from '../drills/support/tally';
import type { WorkerExit, WorkerProcess } from '../drills/support/worker-process';

const CUSTOMERS = scaled(150, 5_000);
/** What worker-main.ts gives sends in flight on SIGTERM by default (KAIROS_WORKER_SHUTDOWN_GRACE_MS). */
const PRODUCTION_GRACE_MS = 20_000;
let server: TestTemporalServer;
let world: DrillWorld | undefined;

beforeAll(async () => {
  server = await startTestTemporalServer();
}, 150_000);
afterEach(async () => {
  await world?.stop();
  world = undefined;
}, DRILL_TIMEOUT_MS);
afterAll(() => server?.drop(), 60_000);

/**
 * Runs the load on a fresh world (its own database, sink and two workers on the shared server)
 * and calls `takeOut` on the first worker once a third of the batches is acknowledged, while the
 * load goes on.
 */
async function loadLosingOneWorker(prefix: string, takeOut: (w: WorkerProcess) => Promise<WorkerExit | void>) {
  const started = await startDrillWorld({ temporal: server, workers: 2, shutdownGraceMs: PRODUCTION_GRACE_MS });
  world = started;
  const [leaving, staying] = started.workers as [WorkerProcess, WorkerProcess];
  let takenOutAt: { batches: number; sinkMessages: number } | undefined;
  let takingOut: Promise<WorkerExit | void> | undefined;
  const load: LoadReport = await runLoad(started.http, drillEvents(prefix, CUSTOMERS), {
    batchSize: 50,
    concurrency: 4,
    onBatch: (done, total) => {
      if (takingOut || done < total / 3) return;
      takenOutAt = { batches: done, sinkMessages: started.sink.store.list().length };
      takingOut = takeOut(leaving);
    },
  });
  const exit = await takingOut;
  expect(takenOutAt).toBeDefined();
  return { world: started, load, exit, takenOutAt, staying };
}

/** The survivor is the process that started with the world: it was never restarted, and still runs. */
function expectStillRunning(worker: WorkerProcess, all: readonly WorkerProcess[]) {
  expect(all).toHaveLength(2);
  expect(() => process.kill(worker.pid, 0)).not.toThrow();
}

test(
  `kill -9 of one of two workers during a load of ${CUSTOMERS} customers: the other carries on, nothing doubled`,
  async () => {
    const budget = drillBudget();
    const prefix = 'cluster-killed';
    const { world, load, takenOutAt, staying } = await loadLosingOneWorker(prefix, (w) => w.kill9());
    const tally = await settleMessages(world, prefix, CUSTOMERS, budget);
    const applied = await appliedEvents(world, prefix, CUSTOMERS, budget);
    printCounts('cluster: one of two workers killed', tally, applied, { takenOutAt, statuses: load.statuses });
    expect(load.failedItems).toBe(0);
    expectStillRunning(staying, world.workers);
    expectExactlyOnce(tally, applied, CUSTOMERS, { inDoubtAllowed: true });
  },
  DRILL_TIMEOUT_MS,
);

test(
  `SIGTERM of one of two workers during a load of ${CUSTOMERS} customers (a deploy): it drains, nothing in doubt`,
  async () => {
    const budget = drillBudget();
    const prefix = 'cluster-drained';
    // Past the grace, the worker is killed: a worker that does not drain shows as signal SIGKILL.
    const { world, load, exit, takenOutAt, staying } = await loadLosingOneWorker(prefix, (w) =>
      w.stop({ killAfterMs: PRODUCTION_GRACE_MS + 30_000 }),
    );
    const tally = await settleMessages(world, prefix, CUSTOMERS, budget);
    const applied = await appliedEvents(world, prefix, CUSTOMERS, budget);
    const unconfirmed = await world.database.db.message.count({ where: { reason: 'unconfirmed' } });
    printCounts('cluster: one of two workers drained', tally, applied, {
      takenOutAt,
      exit,
      unconfirmed,
      statuses: load.statuses,
    });
    expect(exit).toEqual({ code: 0, signal: null });
    expect(load.failedItems).toBe(0);
    expectStillRunning(staying, world.workers);
    expect(unconfirmed).toBe(0);
    expectExactlyOnce(tally, applied, CUSTOMERS);
  },
  DRILL_TIMEOUT_MS,
);

test(
  `a temporal-server restart during a load of ${CUSTOMERS} customers on two workers loses and doubles nothing`,
  async () => {
    world = await startDrillWorld({ temporal: server, workers: 2 });
    await restartUnderLoad(world, {
      prefix: 'cluster-restart',
      customers: CUSTOMERS,
      downMs: scaled(8_000, 20_000),
      batchSize: scaled(10, 50),
      budget: drillBudget(),
      label: 'cluster: temporal-server restarted',
    });
  },
  DRILL_TIMEOUT_MS,
);
