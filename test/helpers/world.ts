// A whole Kairos for one test file: its own database, the local SendGrid sink with the real
// @sendgrid/mail client, a real Temporal server, a worker, and the API's services.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createApiServices } from '../../src/api/api-services';
import type { EmailSender } from '../../src/messaging/email-sender';
import { createSendGridSender } from '../../src/messaging/sendgrid-sender';
import { startSink, type RunningSink } from '../../src/messaging/sink/start-sink';
import type { ContactPolicyConfig } from '../../activities/policy-activities';
import { createTestDatabase, type TestDatabase } from './database';
import { recordHistories } from './record-histories';
import { startDevServer, startTimeSkippingServer } from './temporal';
import { createTestWorker, TEST_TASK_QUEUE, testLogger, testUnsubscribeLinks } from './worker';

export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export interface World {
  database: TestDatabase;
  sink: RunningSink;
  env: TestWorkflowEnvironment;
  worker: Worker;
  api: ReturnType<typeof createApiServices>;
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
  const api = createApiServices({
    db: database.db,
    client: env.client,
    taskQueue: TEST_TASK_QUEUE,
    logger: testLogger,
    bootstrapKey: TEST_ADMIN_KEY,
    email: { sender: email, from: 'journeys@kairos.test' },
    unsubscribe: testUnsubscribeLinks,
  });
  return {
    database,
    sink,
    env,
    worker,
    api,
    async stop() {
      await recordHistories(env, database.db, scenarioName());
      // Its LISTEN connection, before the database it listens to is dropped.
      await api.close();
      worker.shutdown();
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
