// Drill: the SendGrid sink answers 500, then 429 with Retry-After, for a while in the middle of
// a load (from the first refused send on). Sends are retried with backoff after the fault; none
// is lost and none doubled.
import { startDrillWorld, type DrillWorld } from './support/drill-world';
import { drillEvents, runLoad } from './support/load';
import { eventually } from '../helpers/world';
import {
  APPLIED_RESERVE_MS,
  DRILL_TIMEOUT_MS,
  SETTLE_TIMEOUT_MS,
  drillBudget,
  scaled,
  type DrillBudget,
} from './support/scale';
import { appliedEvents, expectExactlyOnce, printCounts, settleMessages } from './support/tally';

const CUSTOMERS = scaled(60, 1_000);
const FAULT_MS = scaled(4_000, 30_000);
const PREFIX = 'sinkfail';
let world: DrillWorld;

beforeAll(async () => {
  world = await startDrillWorld();
});
afterAll(() => world?.stop(), DRILL_TIMEOUT_MS);

const fault = (method: 'POST' | 'DELETE', spec?: { status: number }) =>
  fetch(`${world.sink.url}/_sink/faults`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: spec && JSON.stringify(spec),
  }).then((r) => expect(r.status).toBeLessThan(300));

/**
 * 500s until the first send has been refused and half the fault time has passed, then 429s; returns when the fault
 * ends.
 */
async function faultWindow(budget: DrillBudget): Promise<number> {
  await fault('POST', { status: 500 });
  await eventually(
    () => world.database.db.message.count().then((n) => n > 0),
    Math.min(SETTLE_TIMEOUT_MS, budget.left(APPLIED_RESERVE_MS)),
    'a first send attempt',
  );
  await new Promise((r) => setTimeout(r, FAULT_MS / 2));
  await fault('POST', { status: 429 });
  await new Promise((r) => setTimeout(r, FAULT_MS / 2));
  // Taken before clearing: anything the sink accepted earlier than this was accepted in the fault.
  const ending = Date.now();
  await fault('DELETE');
  return ending;
}

test(
  `500s then 429s from the provider for ${FAULT_MS / 1000} s lose and double nothing`,
  async () => {
    const budget = drillBudget();
    const window = faultWindow(budget);
    const load = await runLoad(world.http, drillEvents(PREFIX, CUSTOMERS), { batchSize: 30, concurrency: 2 });
    const faultEnded = await window;
    const tally = await settleMessages(world, PREFIX, CUSTOMERS, budget);
    const applied = await appliedEvents(world, PREFIX, CUSTOMERS, budget);
    const triedDuringFault = await world.database.db.message.count({
      where: { createdAt: { lt: new Date(faultEnded) } },
    });
    const acceptedDuringFault = world.sink.store.list().filter((m) => Date.parse(m.receivedAt) < faultEnded).length;
    printCounts('sink failing', tally, applied, { triedDuringFault, acceptedDuringFault, statuses: load.statuses });
    // Sends were attempted while the provider refused them, and got through only after.
    expect(triedDuringFault).toBeGreaterThan(0);
    expect(acceptedDuringFault).toBe(0);
    expect(load.failedItems).toBe(0);
    expectExactlyOnce(tally, applied, CUSTOMERS);
  },
  DRILL_TIMEOUT_MS,
);
