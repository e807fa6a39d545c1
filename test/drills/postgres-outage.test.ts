// Drill: PostgreSQL goes away from the API and the worker in the middle of a load, then comes
// back. The API answers 503 with Retry-After (never 500), leaves no partial rows, and once the
// database is back every event is stored once and every message sent once.
// Why a proxy and not a stopped server: the machine's PostgreSQL serves other test files running
// in parallel, and a private initdb cluster needs a non-root user and seconds of set-up; cutting
// a proxy resets every open connection and refuses new ones, which is what clients of a stopped
// server see.
import { startDrillWorld, type DrillWorld } from './support/drill-world';
import { drillEvents, EVENTS_PER_CUSTOMER, runLoad } from './support/load';
import { DRILL_TIMEOUT_MS, scaled } from './support/scale';
import { appliedEvents, expectExactlyOnce, printCounts, settleMessages } from './support/tally';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';

const CUSTOMERS = scaled(60, 1_000);
const OUTAGE_MS = scaled(4_000, 20_000);
const PREFIX = 'pgdown';
let world: DrillWorld;
let proxy: TcpProxy;

beforeAll(async () => {
  world = await startDrillWorld({
    viaDatabaseUrl: async (direct) => {
      const url = new URL(direct);
      proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
      url.host = `127.0.0.1:${proxy.port}`;
      return url.toString();
    },
  });
});
afterAll(async () => {
  await world?.stop();
  await proxy?.close();
}, DRILL_TIMEOUT_MS);

test(`a database outage during a load of ${CUSTOMERS} customers answers 503s, leaves no partial rows, loses and doubles nothing`, async () => {
  let outage: Promise<void> | undefined;
  const load = await runLoad(world.http, drillEvents(PREFIX, CUSTOMERS), {
    batchSize: 30,
    concurrency: 2,
    onBatch: (done, total) => {
      if (outage || done < total / 3) return;
      outage = (async () => {
        await proxy.cut();
        await new Promise((r) => setTimeout(r, OUTAGE_MS));
        await proxy.restore();
      })();
    },
  });
  await outage;
  const tally = await settleMessages(world, PREFIX, CUSTOMERS);
  const applied = await appliedEvents(world, PREFIX, CUSTOMERS);
  // Read directly, not through the proxy.
  const db = world.database.db;
  const events = await db.event.count({ where: { id: { startsWith: `${PREFIX}-` } } });
  const orphans = await db.customer.count({ where: { identifiers: { none: {} }, events: { none: {} } } });
  const serverErrors = [...new Set(world.serverErrors)];
  printCounts('postgres stopped', tally, applied, { events, orphanCustomers: orphans, statuses: load.statuses, unavailableWithoutRetryAfter: load.unavailableWithoutRetryAfter, serverErrors });
  expect(load.statuses[503]).toBeGreaterThan(0);
  expect(load.unavailableWithoutRetryAfter).toBe(0);
  // A 500 means an outage error the problem handler did not recognise: `serverErrors` names it.
  expect({ statuses: Object.keys(load.statuses).filter((s) => s !== '207' && s !== '503'), serverErrors: load.statuses[500] ? serverErrors : [] }).toEqual({ statuses: [], serverErrors: [] });
  expect(load.failedItems).toBe(0);
  expect({ events, orphans }).toEqual({ events: CUSTOMERS * EVENTS_PER_CUSTOMER, orphans: 0 });
  expectExactlyOnce(tally, applied, CUSTOMERS);
}, DRILL_TIMEOUT_MS);
