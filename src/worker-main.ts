// Composition root of the worker process: Runtime logging, database, email sender, and the
// worker itself. Production entry point (`npm run worker`).
import { NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig } from './config';
import { createDb } from './db/prisma';
import { createLogger, temporalLogger } from './logger';
import { createSendGridSender } from './messaging/sendgrid-sender';
import { createUnsubscribeLinks } from './messaging/unsubscribe';
import { createWebhookSender } from './messaging/webhook-sender';
import { onShutdown } from './shutdown';
import { temporalConnectionOptions } from './temporal/connection';
import { createKairosWorker, deploymentVersionOf } from './worker/create-worker';
import { drainWorker } from './worker/drain-worker';

/** After the grace time, how long cancelled activities get to report before the process exits. */
const SHUTDOWN_REPORT_MS = 5_000;

export async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'kairos-worker');
  Runtime.install({ logger: temporalLogger(logger) });
  if (!config.email.apiKey) throw new Error('SENDGRID_API_KEY is required for the worker to send email');
  if (!config.signingSecret)
    throw new Error('KAIROS_SIGNING_SECRET is required: every marketing email carries a signed unsubscribe link');
  const db = createDb(config.database);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal));
  const worker = await createKairosWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    deployment: deploymentVersionOf(config.deployment),
    shutdownGraceMs: config.worker.shutdownGraceMs,
    deps: {
      db,
      logger,
      emailFrom: config.email.from,
      contactPolicy: config.contactPolicy,
      controlTiming: config.controlTiming,
      email: createSendGridSender({
        apiKey: config.email.apiKey,
        baseUrl: config.email.baseUrl,
        timeoutMs: config.email.timeoutMs,
      }),
      unsubscribe: createUnsubscribeLinks({ secret: config.signingSecret, publicUrl: config.api.publicUrl }),
      webhooks: createWebhookSender({ secret: config.signingSecret }),
    },
  });
  const running = worker.run();
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await connection.close();
      await db.$disconnect();
    })());
  // A deploy's SIGTERM: stop polling, let sends in flight finish (Temporal cancels those still
  // running after the grace time; a moment more lets them report), then close and exit.
  onShutdown(logger, async () => {
    await drainWorker(worker, running, { waitMs: config.worker.shutdownGraceMs + SHUTDOWN_REPORT_MS, logger });
    await close();
  });
  logger.info(
    {
      taskQueue: config.temporal.taskQueue,
      namespace: config.temporal.namespace,
      deployment: deploymentVersionOf(config.deployment) ?? 'unversioned',
    },
    'worker running',
  );
  await running;
  await close();
}

if (require.main === module)
  void main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
