// A Kairos worker for tests, composed as the worker process composes it (src/apps/worker.ts):
// the prebuilt workflow bundle, the real activities, the test's database and email sender.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import pino from 'pino';
import type { ContactPolicyConfig } from '../../src/messaging/contact-policy-reads';
import { composeWorker, type ComposedWorker, type WorkerOverrides } from '../../src/apps/worker';
import type { Db } from '../../src/db/prisma';
import type { EmailSender } from '../../src/messaging/email-sender';
import { createUnsubscribeLinks } from '../../src/messaging/unsubscribe';
import { createWebhookSender } from '../../src/messaging/webhook-sender';
import { TEST_PUBLIC_URL, TEST_SIGNING_SECRET, testWorkerConfig } from './config';

export { TEST_SIGNING_SECRET, TEST_TASK_QUEUE } from './config';
export const testLogger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
export const testWebhooks = createWebhookSender({ secret: TEST_SIGNING_SECRET, timeoutMs: 5000 });
export const testUnsubscribeLinks = createUnsubscribeLinks({ secret: TEST_SIGNING_SECRET, publicUrl: TEST_PUBLIC_URL });

/** The test worker's contact policy: no caps, no quiet hours. */
export const NO_CONTACT_POLICY: ContactPolicyConfig = testWorkerConfig().contactPolicy;
/** How soon program state changes reach customers in tests. */
export const TEST_CONTROL_TIMING = testWorkerConfig().controlTiming;

/** The tests' workflow bundle, built once per run by the global setup. */
export function testWorkflowBundle(): { codePath: string } {
  const codePath = process.env.KAIROS_TEST_WORKFLOW_BUNDLE;
  if (!codePath) throw new Error('KAIROS_TEST_WORKFLOW_BUNDLE is unset: run the tests through jest (global setup)');
  return { codePath };
}

/** composeWorker on a test server's connection, with the test bundle and logger. */
export function composeTestWorker(
  env: Pick<TestWorkflowEnvironment, 'nativeConnection' | 'namespace'>,
  config: ReturnType<typeof testWorkerConfig>,
  overrides: WorkerOverrides & { db: Db },
): Promise<ComposedWorker> {
  return composeWorker(
    { ...config, temporal: { ...config.temporal, namespace: env.namespace ?? 'default' } },
    { connection: env.nativeConnection, workflowBundle: testWorkflowBundle(), logger: testLogger, ...overrides },
  );
}

export async function createTestWorker(
  env: Pick<TestWorkflowEnvironment, 'nativeConnection' | 'namespace'>,
  deps: { db: Db; email: EmailSender; contactPolicy?: ContactPolicyConfig },
): Promise<Worker> {
  const config = testWorkerConfig();
  const composed = await composeTestWorker(
    env,
    { ...config, contactPolicy: deps.contactPolicy ?? config.contactPolicy },
    { db: deps.db, email: deps.email },
  );
  return composed.worker;
}
