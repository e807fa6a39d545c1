// A whole Kairos for one test file: its own database, the local SendGrid sink with the real
// @sendgrid/mail client, a real Temporal server, a worker, and the API's services.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { composeApi, type ComposedApi } from '../../src/apps/api';
import type { EmailSender } from '../../src/messaging/email-sender';
import { createSendGridSender } from '../../src/messaging/sendgrid-sender';
import { startSink, type RunningSink } from '../../src/messaging/sink/start-sink';
import type { ContactPolicyConfig } from '../../src/messaging/contact-policy-reads';
import { createTestDatabase, type TestDatabase } from './database';
import { recordHistories } from './record-histories';
import { startDevServer, startTimeSkippingServer } from './temporal';
import { testApiConfig } from './config';
import { createTestWorker } from './worker';

export { TEST_ADMIN_KEY } from './config';

export interface World {
  database: TestDatabase;
  sink: RunningSink;
  env: TestWorkflowEnvironment;
  worker: Worker;
  api: ComposedApi;
  stop(): Promise<void>;
}

export async function startWorld(
  server: 'time-skipping' | 'dev-server',
  options: {
    devServerArgs?: string[];
    contactPolicy?: ContactPolicyConfig;
    wrapEmail?: (real: EmailSender) => EmailSender;
  } = {},
): Promise<World> {
  const database = await createTestDatabase();
  const sink = await startSink({ port: 0 });
  const sendgrid = createSendGridSender({ apiKey: 'SG.test-key', baseUrl: sink.url });
  // A test may put a fault between the worker and the real client (a crash after the call).
  const email = options.wrapEmail ? options.wrapEmail(sendgrid) : sendgrid;
  const env =
    server === 'time-skipping'
      ? await startTimeSkippingServer()
      : await startDevServer({ extraArgs: options.devServerArgs });
  const worker = await createTestWorker(env, { db: database.db, email, contactPolicy: options.contactPolicy });
  const running = worker.run();
  // Every answer the tests provoke is checked against its route's schema (src/api/mount-routes.ts).
  const api = await composeApi(testApiConfig(), { db: database.db, client: env.client, email, checkResponses: true });
  return {
    database,
    sink,
    env,
    worker,
    api,
    async stop() {
      await recordHistories(env, database.db, scenarioName());
      // Its LISTEN connection and pending writes, before the database they use is dropped.
      await api.close();
      // A test that restarted the worker has shut this one down already (and stops its own).
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await env.teardown();
      await sink.close();
      await database.drop();
    },
  };
}

/** The running test file's name, e.g. `simona` for simona.test.ts. */
function scenarioName(): string {
  const path = expect.getState().testPath ?? 'scenario';
  return path.replace(/^.*\//, '').replace(/\.test\.ts$/, '');
}

/** Polls `probe` until it returns a value that is not undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 45_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
