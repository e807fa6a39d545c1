// The restart drill's body, for the dev server (test/drills/temporal-restart.test.ts) and the real
// temporal-server with two workers (test/topology/cluster-drill.test.ts): the server is stopped a
// third of the way into a load and started again. The API keeps acknowledging (events go to the
// outbox), the relay delivers them after the restart, journeys resume, and every message is sent
// exactly once.
import { eventually } from '../../helpers/world';
import type { DrillWorld } from './drill-world';
import { drillEvents, runLoad } from './load';
import type { DrillBudget } from './scale';
import { appliedEvents, expectExactlyOnce, printCounts, settleMessages } from './tally';

/** The outage lasts `downMs` and until this many batches were acknowledged in it (or the load ends). */
const BATCHES_WHILE_DOWN = 3;

export async function restartUnderLoad(
  world: DrillWorld,
  o: { prefix: string; customers: number; downMs: number; batchSize: number; budget: DrillBudget; label: string },
): Promise<void> {
  let stopped: Promise<void> | undefined;
  let outage: Promise<void> | undefined;
  let acknowledgedWhileDown = 0;
  let down = false;
  let loadDone = false;
  // A time-only outage can end before a slow machine has posted anything into it; this one
  // waits for the acknowledgements it is there to prove (bounded, so a refusing API still fails).
  const holdOutage = async () => {
    await new Promise((r) => setTimeout(r, o.downMs));
    await eventually(
      async () => loadDone || acknowledgedWhileDown >= BATCHES_WHILE_DOWN,
      90_000,
      'batches acknowledged while the server is down',
    ).catch(() => undefined);
    down = false;
    await world.startTemporal();
  };
  const report = await runLoad(world.http, drillEvents(o.prefix, o.customers), {
    batchSize: o.batchSize,
    concurrency: 2,
    onBatch: async (done, total) => {
      if (down) acknowledgedWhileDown++;
      if (!stopped && done >= total / 3) {
        stopped = world.stopTemporal().then(() => void (down = true));
        outage = stopped.then(holdOutage);
      }
      // No lane posts on until the server is down, so part of the load meets the outage.
      if (stopped && !down) await stopped;
    },
  }).finally(() => void (loadDone = true));
  await outage;
  const tally = await settleMessages(world, o.prefix, o.customers, o.budget);
  const applied = await appliedEvents(world, o.prefix, o.customers, o.budget);
  const undelivered = await world.database.db.event.count({ where: { deliveredAt: null } });
  printCounts(o.label, tally, applied, {
    acknowledgedWhileDown,
    deferred: report.deferred,
    undelivered,
    statuses: report.statuses,
  });
  // Ingestion went on acknowledging while the server was down, through the outbox.
  expect(acknowledgedWhileDown).toBeGreaterThan(0);
  expect(report.deferred).toBeGreaterThan(0);
  expect(Object.keys(report.statuses)).toEqual(['207']);
  expect(report.failedItems).toBe(0);
  expect(undelivered).toBe(0);
  expectExactlyOnce(tally, applied, o.customers);
}
