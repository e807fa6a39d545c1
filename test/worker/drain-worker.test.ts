// Stopping the worker on SIGTERM: in-flight work finishes before the process exits, within a bound.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Worker } from '@temporalio/worker';
import { composeApi } from '../../src/apps/api';
import { loadWorkerConfig } from '../../src/config/worker-config';
import type { EmailSender } from '../../src/messaging/email-sender';
import { drainWorker } from '../../src/worker/drain-worker';
import { createTestDatabase } from '../helpers/database';
import { launchProgram, seedTemplates, sendsAtOnce } from '../helpers/seed';
import { startTimeSkippingServer } from '../helpers/temporal';
import { testApiConfig, testWorkerConfig } from '../helpers/config';
import { composeTestWorker, testLogger } from '../helpers/worker';
import { eventually } from '../helpers/world';

type Stoppable = Pick<Worker, 'shutdown' | 'getState'>;

function fakeWorker(state: ReturnType<Worker['getState']> = 'RUNNING') {
  const worker = { shutdown: jest.fn(() => void (state = 'DRAINING')), getState: () => state };
  return worker as typeof worker & Stoppable;
}

test('the grace time is KAIROS_WORKER_SHUTDOWN_GRACE_MS, 20 s unless set', () => {
  const base = {
    DATABASE_URL: 'postgresql://unused',
    SENDGRID_API_KEY: 'SG.key',
    KAIROS_SIGNING_SECRET: 'a-secret-of-32-characters-or-more',
  };
  expect(loadWorkerConfig(base).shutdownGraceMs).toBe(20_000);
  expect(loadWorkerConfig({ ...base, KAIROS_WORKER_SHUTDOWN_GRACE_MS: '5000' }).shutdownGraceMs).toBe(5_000);
  expect(() => loadWorkerConfig({ ...base, KAIROS_WORKER_SHUTDOWN_GRACE_MS: '-1' })).toThrow(
    /KAIROS_WORKER_SHUTDOWN_GRACE_MS/,
  );
});

describe('drainWorker', () => {
  test('asks the worker to stop and returns only when its run has ended', async () => {
    const worker = fakeWorker();
    let ended = false;
    const running = sleep(300).then(() => void (ended = true));
    expect(await drainWorker(worker, running, { waitMs: 5_000, logger: testLogger })).toBe('drained');
    expect(worker.shutdown).toHaveBeenCalledTimes(1);
    expect(ended).toBe(true);
  });

  test('gives up after waitMs when the worker does not drain', async () => {
    const started = Date.now();
    expect(
      await drainWorker(fakeWorker(), new Promise<void>(() => undefined), { waitMs: 200, logger: testLogger }),
    ).toBe('timed out');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test(
    'leaves a worker the Temporal runtime already ' + 'stopped (it hears SIGTERM too) and still waits for it',
    async () => {
      const worker = fakeWorker('DRAINING');
      expect(await drainWorker(worker, sleep(50), { waitMs: 5_000, logger: testLogger })).toBe('drained');
      expect(worker.shutdown).not.toHaveBeenCalled();
    },
  );

  test('a run that fails while draining counts as drained: there is nothing left to wait for', async () => {
    expect(
      await drainWorker(fakeWorker(), Promise.reject(new Error('boom')), { waitMs: 5_000, logger: testLogger }),
    ).toBe('drained');
  });
});

test('a send in flight when the worker is stopped completes and is recorded sent', async () => {
  const database = await createTestDatabase();
  const env = await startTimeSkippingServer();
  try {
    let inFlight = false;
    let finished = false;
    const slow: EmailSender = {
      async send() {
        inFlight = true;
        await sleep(1_500);
        finished = true;
        return { providerMessageId: 'slow-1' };
      },
    };
    const { worker } = await composeTestWorker(env, testWorkerConfig({ KAIROS_WORKER_SHUTDOWN_GRACE_MS: '10000' }), {
      db: database.db,
      email: slow,
    });
    const running = worker.run();
    await seedTemplates(database.db, ['note']);
    await launchProgram(database.db, 'drain', sendsAtOnce('Drain', 'drain_me'));
    const api = await composeApi(testApiConfig(), { db: database.db, client: env.client });
    const { customerId } = await api.deps.ingestion.ingest({
      type: 'drain_me',
      customer: { email: 'dana@example.com' },
      properties: {},
    });
    await eventually(async () => inFlight, 30_000, 'the send to start');

    expect(await drainWorker(worker, running, { waitMs: 15_000, logger: testLogger })).toBe('drained');
    expect(finished).toBe(true);
    expect(
      await database.db.message.findMany({ where: { customerId }, select: { status: true, providerMessageId: true } }),
    ).toEqual([{ status: 'sent', providerMessageId: 'slow-1' }]);
    await api.close();
  } finally {
    await env.teardown();
    await database.drop();
  }
}, 90_000);
