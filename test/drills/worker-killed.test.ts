// Drill: the worker process is killed with SIGKILL in the middle of a load of customers whose
// program sends one email at once, then restarted. No message is sent twice and every event is
// applied once. A message whose attempt died inside the provider call is in doubt: Kairos never
// risks a second copy, so if the provider had not taken it, it is lost, and its row says
// `unconfirmed` (docs/ARCHITECTURE.md, "Sending exactly once"); every other message arrives.
// KAIROS_DRILL_SCALE=full (npm run drills) runs 5,000 customers.
import { startDrillWorld, type DrillWorld } from './support/drill-world';
import { drillEvents, runLoad } from './support/load';
import { DRILL_TIMEOUT_MS, drillBudget, scaled } from './support/scale';
import { appliedEvents, expectExactlyOnce, printCounts, settleMessages } from './support/tally';

const CUSTOMERS = scaled(120, 5_000);
const PREFIX = 'killed';
let world: DrillWorld;

beforeAll(async () => {
  world = await startDrillWorld();
});
afterAll(() => world?.stop(), DRILL_TIMEOUT_MS);

test(
  `kill -9 of the worker during a load of ${CUSTOMERS} customers doubles nothing and loses nothing unflagged`,
  async () => {
    const budget = drillBudget();
    let killedAt: { batches: number; sinkMessages: number } | undefined;
    let killing: Promise<void> | undefined;
    const load = await runLoad(world.http, drillEvents(PREFIX, CUSTOMERS), {
      batchSize: 60,
      concurrency: 4,
      onBatch: (done, total) => {
        // A third of the way in, with sends in flight: kill it without waiting for the restart,
        // so ingestion carries on while no worker is there.
        if (killing || done < total / 3) return;
        killedAt = { batches: done, sinkMessages: world.sink.store.list().length };
        killing = world.killAndRestartWorker();
      },
    });
    await killing;
    expect(killedAt).toBeDefined();
    const tally = await settleMessages(world, PREFIX, CUSTOMERS, budget);
    const applied = await appliedEvents(world, PREFIX, CUSTOMERS, budget);
    printCounts('worker killed', tally, applied, { killedAt, statuses: load.statuses });
    expect(load.failedItems).toBe(0);
    expectExactlyOnce(tally, applied, CUSTOMERS, { inDoubtAllowed: true });
  },
  DRILL_TIMEOUT_MS,
);
