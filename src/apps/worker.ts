// Composition root of the worker process: from its settings (src/config/worker-config.ts) to a
// Temporal worker running the customer workflow and the activities. The entry point
// (src/worker-main.ts), `npm start`, the tests and the bench all compose the worker here; they
// differ only in the overrides. What it creates, it closes; an override is the caller's to close.
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { ActivityDeps } from '../../activities';
import type { WorkerConfig } from '../config/worker-config';
import { createDb, type Db } from '../db/prisma';
import { createLogger } from '../logger';
import type { EmailSender } from '../messaging/email-sender';
import { createSendGridSender } from '../messaging/sendgrid-sender';
import { createUnsubscribeLinks } from '../messaging/unsubscribe';
import { createWebhookSender } from '../messaging/webhook-sender';
import { temporalConnectionOptions } from '../temporal/connection';
import { payloadDataConverter } from '../temporal/payload-codec';
import { createKairosWorker, deploymentVersionOf, type KairosWorkerOptions } from '../worker/create-worker';
import { startMetricsServer } from '../metrics/metrics-server';
import type { Tracing } from '../tracing/start-tracing';
import { workerTracing } from '../tracing/temporal-tracing';
import { createWorkerMetrics } from '../metrics/worker-metrics';

export interface WorkerOverrides {
  connection?: NativeConnection;
  db?: Db;
  logger?: Logger;
  /** Instead of the SendGrid client the settings describe (a test's fault between the two). */
  email?: EmailSender;
  /** A prebuilt workflow bundle (tests and the bench build one per run). */
  workflowBundle?: KairosWorkerOptions['workflowBundle'];
  /** Cache and concurrency settings (the bench). */
  tuning?: KairosWorkerOptions['tuning'];
  /** OpenTelemetry, started by the entry point before anything else loaded (src/tracing/); unset: no tracing. */
  tracing?: Tracing;
}

export type ComposedWorker = Awaited<ReturnType<typeof composeWorker>>;

export async function composeWorker(config: WorkerConfig, overrides: WorkerOverrides = {}) {
  const owned: (() => Promise<void>)[] = [];
  const logger = overrides.logger ?? createLogger(config.logLevel, 'kairos-worker');
  if (config.env === 'production' && !config.temporal.payloadKeys.length)
    logger.warn("KAIROS_PAYLOAD_KEYS is unset: customers' data goes into Temporal histories in clear");
  const db = overrides.db ?? createDb(config.database);
  if (!overrides.db) owned.push(() => db.$disconnect());
  let connection = overrides.connection;
  if (!connection) {
    connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal));
    owned.push(connection.close.bind(connection));
  }
  const metrics = createWorkerMetrics();
  const deps: ActivityDeps = {
    db,
    logger,
    sends: metrics.sends,
    emailFrom: config.email.from,
    contactPolicy: config.contactPolicy,
    controlTiming: config.controlTiming,
    imports: config.imports,
    email:
      overrides.email ??
      createSendGridSender({
        apiKey: config.email.apiKey,
        baseUrl: config.email.baseUrl,
        timeoutMs: config.email.timeoutMs,
      }),
    unsubscribe: createUnsubscribeLinks({ secret: config.signingSecret, publicUrl: config.publicUrl }),
    webhooks: createWebhookSender({ secret: config.signingSecret }),
  };
  const worker: Worker = await createKairosWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    deployment: deploymentVersionOf(config.deployment),
    dataConverter: payloadDataConverter(config.temporal.payloadKeys),
    shutdownGraceMs: config.shutdownGraceMs,
    workflowBundle: overrides.workflowBundle,
    tuning: overrides.tuning,
    tracing: overrides.tracing && workerTracing(overrides.tracing),
    deps,
  });
  let metricsUrl: string | undefined;
  if (config.metrics.port !== undefined) {
    const server = await startMetricsServer({
      registry: metrics.registry,
      port: config.metrics.port,
      host: config.metrics.host,
      sdkMetricsUrl: config.metrics.sdkAddress && `http://${config.metrics.sdkAddress}/metrics`,
    });
    owned.push(server.close);
    metricsUrl = server.url;
  }
  return {
    worker,
    deps,
    logger,
    /** Where this worker serves /metrics, when KAIROS_METRICS_PORT is set. */
    metricsUrl,
    /** After the worker has stopped running: what this composition created. */
    async close(): Promise<void> {
      for (const close of owned.reverse()) await close();
    },
  };
}
