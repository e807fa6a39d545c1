// Drill: the file-backed Temporal dev server is stopped in the middle of a load and started
// again. The API keeps acknowledging (events go to the outbox), the relay delivers them after
// the restart, journeys resume, and every message is sent exactly once.
import { startDrillWorld, type DrillWorld } from './support/drill-world';
import { drillEvents, runLoad } from './support/load';
import { eventually } from '../helpers/world';
import { DRILL_TIMEOUT_MS, drillBudget, scaled } from './support/scale';
import { appliedEvents, expectExactlyOnce, printCounts, settleMessages } from './support/tally';

const CUSTOMERS = scaled(60, 1_000);
const DOWN_MS = scaled(8_000, 20_000);
/** The outage lasts DOWN_MS and until this many batches were acknowledged in it (or the load ends). */
const BATCHES_WHILE_DOWN = 3;
const PREFIX = 'restart';
let world: DrillWorld;

beforeAll(async () => {
  world = await startDrillWorld();
});
afterAll(() => world?.stop(), DRILL_TIMEOUT_MS);

test(
  `a dev server restart during a load of ${CUSTOMERS} customers loses and doubles nothing`,
  async () => {
    const budget = drillBudget();
    let stopped: Promise<void> | undefined;
    let outage: Promise<void> | undefined;
    let acknowledgedWhileDown = 0;
    let down = false;
    let loadDone = false;
    // A time-only outage can end before a slow machine has posted anything into it; this one
    // waits for the acknowledgements it is there to prove (bounded, so a refusing API still fails).
    const holdOutage = async () => {
      await new Promise((r) => setTimeout(r, DOWN_MS));
      await eventually(
        async () => loadDone || acknowledgedWhileDown >= BATCHES_WHILE_DOWN,
        90_000,
        'batches acknowledged while the server is down',
      ).catch(() => undefined);
      down = false;
      await world.startTemporal();
    };
    const report = await runLoad(world.http, drillEvents(PREFIX, CUSTOMERS), {
      batchSize: scaled(10, 30),
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
    const tally = await settleMessages(world, PREFIX, CUSTOMERS, budget);
    const applied = await appliedEvents(world, PREFIX, CUSTOMERS, budget);
    const undelivered = await world.database.db.event.count({ where: { deliveredAt: null } });
    printCounts('temporal restarted', tally, applied, {
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
    expectExactlyOnce(tally, applied, CUSTOMERS);
  },
  DRILL_TIMEOUT_MS,
);
