// Drill: PostgreSQL stops in the middle of a load, then starts again. The API answers 503 with
// Retry-After (never 500), leaves no partial rows, and once the database is back every event is
// stored once and every message sent once.
// The drill runs its own embedded PostgreSQL (the run's server serves other test files in
// parallel; a cluster of its own takes about a second) and stops it with pg_ctl's fast shutdown,
// as an operator or a failover would: open sessions are ended (57P01) and new connections are
// refused until it starts again on the same port and data.
import { join, resolve } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/dev/postgres';
import { migratedDatabase } from '../helpers/database';
import { startDrillWorld, type DrillWorld } from './support/drill-world';
import { drillEvents, EVENTS_PER_CUSTOMER, runLoad } from './support/load';
import { APPLIED_RESERVE_MS, DRILL_TIMEOUT_MS, drillBudget, scaled } from './support/scale';
import { appliedEvents, expectExactlyOnce, printCounts, settleMessages } from './support/tally';
import { freePort } from './support/ports';

const CUSTOMERS = scaled(60, 1_000);
const OUTAGE_MS = scaled(4_000, 20_000);
const PREFIX = 'pgdown';
let world: DrillWorld;
let postgres: EmbeddedPostgres;

beforeAll(async () => {
  // Named like the run's cluster, so a later run removes it if this process is killed.
  const dataDir = join(resolve(__dirname, '../..'), '.data/test', `postgres-${process.pid}-outage`);
  postgres = await startEmbeddedPostgres({ dataDir, port: await freePort(), durable: false });
  world = await startDrillWorld({ database: migratedDatabase(postgres.url) });
});
afterAll(async () => {
  await world?.stop();
  await postgres?.stop('immediate');
  await postgres?.destroy();
}, DRILL_TIMEOUT_MS);

test(
  `a database outage during a load of ${CUSTOMERS} customers answers 503s, ` +
    `leaves no partial rows, loses and doubles nothing`,
  async () => {
    const budget = drillBudget();
    let outage: Promise<void> | undefined;
    const load = await runLoad(world.http, drillEvents(PREFIX, CUSTOMERS), {
      batchSize: 30,
      concurrency: 2,
      giveUpAt: budget.deadline - APPLIED_RESERVE_MS,
      onBatch: (done, total) => {
        if (outage || done < total / 3) return;
        outage = (async () => {
          await postgres.stop('fast');
          await new Promise((r) => setTimeout(r, OUTAGE_MS));
          await postgres.start();
        })();
      },
    });
    await outage;
    const tally = await settleMessages(world, PREFIX, CUSTOMERS, budget);
    const applied = await appliedEvents(world, PREFIX, CUSTOMERS, budget);
    const db = world.database.db;
    const events = await db.event.count({ where: { id: { startsWith: `${PREFIX}-` } } });
    const orphans = await db.customer.count({ where: { identifiers: { none: {} }, events: { none: {} } } });
    const serverErrors = [...new Set(world.serverErrors)];
    printCounts('postgres stopped', tally, applied, {
      events,
      orphanCustomers: orphans,
      statuses: load.statuses,
      unacknowledged: load.unacknowledged,
      unavailableWithoutRetryAfter: load.unavailableWithoutRetryAfter,
      serverErrors,
    });
    expect(load.statuses[503]).toBeGreaterThan(0);
    expect(load.unavailableWithoutRetryAfter).toBe(0);
    // A 500 means an outage error the problem handler did not recognise: `serverErrors` names it.
    expect({
      statuses: Object.keys(load.statuses).filter((s) => s !== '207' && s !== '503'),
      serverErrors: load.statuses[500] ? serverErrors : [],
    }).toEqual({ statuses: [], serverErrors: [] });
    expect({ failedItems: load.failedItems, unacknowledged: load.unacknowledged }).toEqual({
      failedItems: 0,
      unacknowledged: 0,
    });
    expect({ events, orphans }).toEqual({ events: CUSTOMERS * EVENTS_PER_CUSTOMER, orphans: 0 });
    expectExactlyOnce(tally, applied, CUSTOMERS);
  },
  DRILL_TIMEOUT_MS,
);
