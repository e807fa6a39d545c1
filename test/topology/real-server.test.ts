// Kairos on a real Temporal server (temporal-server on this run's PostgreSQL, src/dev/temporal-server.ts),
// not the CLI's dev server: the worker and the API composed from their settings as their
// processes compose them (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE), an event over HTTP, the email at
// the local SendGrid sink; then the server restarted while a journey waits, and the journey resumes.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { composeApi, type ComposedApi } from '../../src/apps/api';
import { composeWorker, type ComposedWorker } from '../../src/apps/worker';
import { startTemporalServer, type TemporalServer } from '../../src/dev/temporal-server';
import { startSink, type RunningSink } from '../../src/messaging/sink/start-sink';
import { testApiConfig, testWorkerConfig } from '../helpers/config';
import { createTestDatabase, dropDatabase, type TestDatabase } from '../helpers/database';
import { launchProgram, seedTemplates, sendsAtOnce } from '../helpers/seed';
import { testLogger, testWorkflowBundle } from '../helpers/worker';
import { eventually } from '../helpers/world';
import { listen, type ApiServer } from '../integration/http';

/** Longer than a stop of the server takes, so the restart falls inside the wait. */
const WAIT = '15s';
const suffix = randomBytes(4).toString('hex');
const workDir = resolve(__dirname, `../../.data/test/temporal-server-${process.pid}-${suffix}`);
let database: TestDatabase;
let sink: RunningSink;
let server: TemporalServer;
let worker: ComposedWorker;
let running: Promise<void>;
let api: ComposedApi;
let http: ApiServer;

beforeAll(async () => {
  // The SDK's own log: its warnings while the server is down, not every worker state change.
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // An earlier test file in this jest worker created the Runtime: its logger stays.
  }
  database = await createTestDatabase();
  const { db } = database;
  await seedTemplates(db, ['note', 'first', 'second']);
  await launchProgram(db, 'one-send', sendsAtOnce('One send', 'signup'));
  await launchProgram(db, 'send-wait-send', {
    name: 'Send, wait, send',
    entry: { event: 'visit' },
    start: 'first',
    steps: {
      first: { kind: 'send', channel: 'email', template: 'first', next: 'pause' },
      pause: { kind: 'wait', duration: WAIT, next: 'second' },
      second: { kind: 'send', channel: 'email', template: 'second', next: 'done' },
      done: { kind: 'exit' },
    },
  });
  sink = await startSink({ port: 0 });
  server = await startTemporalServer({
    postgresUrl: testPostgresUrl(),
    workDir,
    databases: { main: `temporal_${suffix}`, visibility: `temporal_visibility_${suffix}` },
    namespace: 'kairos-test',
  });
  const temporal = { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: server.namespace };
  worker = await composeWorker(testWorkerConfig({ ...temporal, SENDGRID_BASE_URL: sink.url }), {
    db,
    workflowBundle: testWorkflowBundle(),
    logger: testLogger,
  });
  running = worker.worker.run();
  api = await composeApi(testApiConfig(temporal), { db, logger: testLogger });
  http = await listen(api.app);
}, 150_000);

afterAll(async () => {
  await http?.close();
  await api?.close();
  if (worker) {
    worker.worker.shutdown();
    await running;
    await worker.close();
  }
  await server?.stop();
  if (server) {
    const base = testPostgresUrl();
    for (const db of Object.values(server.databases)) await dropDatabase(base, db);
  }
  await sink?.close();
  await database?.drop();
  rmSync(workDir, { recursive: true, force: true });
}, 60_000);

function testPostgresUrl(): string {
  const url = process.env.KAIROS_TEST_DATABASE_URL;
  if (!url) throw new Error('KAIROS_TEST_DATABASE_URL is unset: run the tests through jest (global setup)');
  return url;
}

const subjectsTo = (email: string) =>
  sink.store
    .list({ to: email })
    .map((m) => m.subject)
    .reverse();

async function post(eventId: string, type: string, email: string): Promise<string> {
  const res = await http.request('POST', '/v1/events', { json: { eventId, type, customer: { email } } });
  expect(res.status).toBe(202);
  expect(res.body).toMatchObject({ eventId, duplicate: false, delivered: true });
  return res.body.customerId as string;
}

/** The customer's enrollment recorded its exit: nothing more can be sent for it. */
const exited = (customerId: string) =>
  eventually(
    async () =>
      (await database.db.journeyStep.findMany({ where: { customerId } })).some(
        (s) => s.kind === 'exit' && s.outcome === 'exit_step',
      ),
    30_000,
    `${customerId}'s journey to exit`,
  );

test('an event posted over HTTP runs the journey on the real server and sends exactly one email', async () => {
  const customerId = await post('signup-ana', 'signup', 'ana@example.com');
  await eventually(async () => subjectsTo('ana@example.com').length > 0, 30_000, 'the email');
  await exited(customerId);
  expect(subjectsTo('ana@example.com')).toEqual(['note for you']);
  const { db } = database;
  expect(await db.message.count({ where: { customerId } })).toBe(1);
});

test('a restart of the server while a journey waits: the journey resumes and sends its second email once', async () => {
  const customerId = await post('visit-bo', 'visit', 'bo@example.com');
  await eventually(async () => subjectsTo('bo@example.com').length > 0, 30_000, 'the first email');

  await server.stop();
  // Stopped inside the wait: the second send is still ahead.
  expect(subjectsTo('bo@example.com')).toEqual(['first for you']);
  await server.start();

  await eventually(async () => subjectsTo('bo@example.com').length > 1, 60_000, 'the second email');
  await exited(customerId);
  expect(subjectsTo('bo@example.com')).toEqual(['first for you', 'second for you']);
  expect(await database.db.message.count({ where: { customerId } })).toBe(2);
});
