// Durable ingestion through a Temporal outage: the file-backed dev server is stopped mid-load,
// the API keeps acknowledging (events are in the outbox), and after the restart the relay
// delivers every event, each applied once.
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { composeApi } from '../../src/apps/api';
import { testApiConfig, testDataConverter } from '../helpers/config';
import { startTemporalDevServer, type DevServer } from '../../src/dev/temporal-dev-server';
import { createSendGridSender } from '../../src/messaging/sendgrid-sender';
import { startSink, type RunningSink } from '../../src/messaging/sink/start-sink';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { referenceEventTypes } from '../helpers/referenced';
import { eventually } from '../helpers/world';
import { createTestWorker } from '../helpers/worker';

const CUSTOMERS = 10;
const EVENTS_PER_PHASE = 30;
let database: TestDatabase;
let sink: RunningSink;
let server: DevServer;
const dataDir = mkdtempSync(join(tmpdir(), 'kairos-restart-'));
let port: number;

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const p = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return p;
}

const startServer = () => startTemporalDevServer({ dataDir, port, uiPort: port + 1000, namespace: 'default' });

beforeAll(async () => {
  database = await createTestDatabase();
  sink = await startSink({ port: 0 });
  port = await freePort();
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
  await sink?.close();
  await database?.drop();
});

test('events acknowledged while the dev server is down are all delivered after it restarts, each once', async () => {
  const address = `127.0.0.1:${port}`;
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await createTestWorker(
    { nativeConnection, namespace: 'default' },
    { db: database.db, email: createSendGridSender({ apiKey: 'SG.test', baseUrl: sink.url }) },
  );
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const api = await composeApi(testApiConfig(), {
    db: database.db,
    client: new Client({ connection, dataConverter: testDataConverter() }),
  });
  await referenceEventTypes(api.deps.programs, ['page_view']); // so page views reach the workflows
  const ingest = (phase: string, i: number) =>
    api.deps.ingestion.ingest({
      eventId: `${phase}-${i}`,
      type: 'page_view',
      customer: { id: `c${i % CUSTOMERS}` },
      properties: { i },
    });

  const before = await Promise.all(Array.from({ length: EVENTS_PER_PHASE }, (_, i) => ingest('before', i)));
  expect(before.every((r) => r.delivered)).toBe(true);

  await server.stop();
  // Concurrently: each request waits for the client's short delivery deadline before it gives up.
  const during = await Promise.all(Array.from({ length: EVENTS_PER_PHASE }, (_, i) => ingest('during', i)));
  // Acknowledged (stored) although Temporal could not be reached.
  expect(during.filter((r) => r.delivered)).toHaveLength(0);
  expect(await database.db.event.count({ where: { deliveredAt: null } })).toBe(EVENTS_PER_PHASE);

  server = await startServer();
  await database.db.event.updateMany({ data: { nextAttemptAt: new Date() } }); // skip the grace period
  const relay = api.relay.start(200);
  await eventually(
    async () => (await database.db.event.count({ where: { deliveredAt: null } })) === 0,
    60_000,
    'the relay to deliver everything',
  );
  await relay.stop();

  // Every customer's workflow saw each of its events exactly once.
  for (let c = 0; c < CUSTOMERS; c++) {
    const state = await eventually(
      async () => {
        const s = await api.deps.customers.journeyState(`c${c}`);
        return s.eventsSeen === (2 * EVENTS_PER_PHASE) / CUSTOMERS && s;
      },
      30_000,
      `all events of c${c}`,
    );
    expect(state.eventsSeen).toBe((2 * EVENTS_PER_PHASE) / CUSTOMERS);
  }
  await api.close();
  worker.shutdown();
  await running;
  await connection.close();
  await nativeConnection.close();
}, 180_000);
