// A Kairos worker for tests: the prebuilt workflow bundle, the real activities, the given deps.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import pino from 'pino';
import type { Db } from '../../src/db/prisma';
import type { EmailSender } from '../../src/messaging/email-sender';
import { createKairosWorker } from '../../src/worker/create-worker';

export const TEST_TASK_QUEUE = 'kairos-test';
export const testLogger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

export async function createTestWorker(env: TestWorkflowEnvironment, deps: { db: Db; email: EmailSender }): Promise<Worker> {
  const codePath = process.env.KAIROS_TEST_WORKFLOW_BUNDLE;
  if (!codePath) throw new Error('KAIROS_TEST_WORKFLOW_BUNDLE is unset: run the tests through jest (global setup)');
  return createKairosWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: TEST_TASK_QUEUE,
    workflowBundle: { codePath },
    deps: { ...deps, logger: testLogger, emailFrom: 'journeys@kairos.test' },
  });
}
