// Drill: the file-backed Temporal dev server is stopped in the middle of a load and started
// again. The API keeps acknowledging (events go to the outbox), the relay delivers them after
// the restart, journeys resume, and every message is sent exactly once (support/restart-under-load.ts).
import { startDrillWorld, type DrillWorld } from './support/drill-world';
import { restartUnderLoad } from './support/restart-under-load';
import { DRILL_TIMEOUT_MS, drillBudget, scaled } from './support/scale';

const CUSTOMERS = scaled(60, 1_000);
let world: DrillWorld;

beforeAll(async () => {
  world = await startDrillWorld();
});
afterAll(() => world?.stop(), DRILL_TIMEOUT_MS);

test(
  `a dev server restart during a load of ${CUSTOMERS} customers loses and doubles nothing`,
  () =>
    restartUnderLoad(world, {
      prefix: 'restart',
      customers: CUSTOMERS,
      downMs: scaled(8_000, 20_000),
      batchSize: scaled(10, 30),
      budget: drillBudget(),
      label: 'temporal restarted',
    }),
  DRILL_TIMEOUT_MS,
);
