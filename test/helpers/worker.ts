// A Kairos worker for tests: the prebuilt workflow bundle, the real activities, the given deps.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import pino from 'pino';
import type { Db } from '../../src/db/prisma';
import type { EmailSender } from '../../src/messaging/email-sender';
import { createUnsubscribeLinks } from '../../src/messaging/unsubscribe';
import type { ContactPolicyConfig } from '../../activities/policy-activities';
import { createWebhookSender } from '../../src/messaging/webhook-sender';
import { createKairosWorker } from '../../src/worker/create-worker';

export const TEST_TASK_QUEUE = 'kairos-test';
export const testLogger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
/** Unsubscribe links signed with a fixed test secret; the worker and the test API share it. */
export const TEST_SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const testWebhooks = createWebhookSender({ secret: TEST_SIGNING_SECRET, timeoutMs: 5000 });
export const testUnsubscribeLinks = createUnsubscribeLinks({
  secret: TEST_SIGNING_SECRET,
  publicUrl: 'http://kairos.test',
});

/** Tests run without caps or quiet hours unless they are what the test is about. */
export const NO_CONTACT_POLICY: ContactPolicyConfig = { caps: [], quietHours: null };

/** Program state changes reach customers within a second in tests (a minute by default). */
export const TEST_CONTROL_TIMING = { cacheMs: 500, pauseRecheckMs: 1000 };

export async function createTestWorker(
  env: Pick<TestWorkflowEnvironment, 'nativeConnection' | 'namespace'>,
  deps: { db: Db; email: EmailSender; contactPolicy?: ContactPolicyConfig },
): Promise<Worker> {
  const codePath = process.env.KAIROS_TEST_WORKFLOW_BUNDLE;
  if (!codePath) throw new Error('KAIROS_TEST_WORKFLOW_BUNDLE is unset: run the tests through jest (global setup)');
  return createKairosWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: TEST_TASK_QUEUE,
    workflowBundle: { codePath },
    deps: {
      ...deps,
      contactPolicy: deps.contactPolicy ?? NO_CONTACT_POLICY,
      logger: testLogger,
      emailFrom: 'journeys@kairos.test',
      unsubscribe: testUnsubscribeLinks,
      webhooks: testWebhooks,
      controlTiming: TEST_CONTROL_TIMING,
    },
  });
}
