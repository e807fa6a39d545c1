// Composition root of the API process: from its settings (src/config/api-config.ts) to the HTTP
// app, the outbox relay and the Temporal Schedules. The entry point (src/api-main.ts), `npm
// start`, the tests and the bench all compose the API here; they differ only in the overrides,
// which replace a piece of infrastructure the settings would otherwise create. What it creates,
// it closes; an override is the caller's to close.
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { createApp, type AppDeps } from '../api/app';
import { databaseProbe } from '../api/health-router';
import { createAuditLog } from '../audit/audit-log';
import { createApiKeyService } from '../auth/api-key-service';
import type { ApiConfig } from '../config/api-config';
import { createIdentity } from '../customers/identity';
import { connectionStringOf, createDb, type Db } from '../db/prisma';
import { createExperimentService } from '../experiments/experiment-service';
import { createIngestion } from '../ingestion/ingestion';
import { createSegmentEvaluation } from '../segments/evaluate-after-events';
import { createSegmentIndex } from '../segments/segment-index';
import { createSegmentService } from '../segments/segment-service';
import { createPersonas } from '../personas/persona';
import { systemClock } from '../clock';
import { createImportService } from '../imports/import-service';
import { createImportJobs } from '../temporal/import-jobs';
import { createRelay } from '../ingestion/relay';
import { startRollupRefresher } from '../analytics/audience-rollups';
import { createLogger } from '../logger';
import type { EmailSender } from '../messaging/email-sender';
import { createSendGridSender } from '../messaging/sendgrid-sender';
import { createConsent, createUnsubscribeLinks } from '../messaging/unsubscribe';
import { createProgramService } from '../programs/program-service';
import { createReferencedIndex } from '../programs/referenced-index';
import { createRolloutService } from '../rollouts/rollout-service';
import { createBroadcastService } from '../broadcasts/broadcast-service';
import { createBroadcastRuns } from '../temporal/broadcast-runs';
import { temporalConnectionOptions } from '../temporal/connection';
import { createCustomerClient } from '../temporal/customer-client';
import { createReleaseControllers } from '../temporal/release-controllers';
import { createPayloadCodec, payloadDataConverter } from '../temporal/payload-codec';
import { ensureSchedules } from '../temporal/schedules';
import { createTemplatePreview } from '../templates/template-preview';
import { createTemplateService } from '../templates/template-service';
import { createApiMetrics } from '../metrics/api-metrics';
import type { Tracing } from '../tracing/start-tracing';
import type { BroadcastTuning } from '../temporal/broadcast-runs';
import { tracingClientInterceptors } from '../tracing/temporal-tracing';

export interface ApiOverrides {
  db?: Db;
  client?: Client;
  logger?: Logger;
  /** Sends template test emails; by default SendGrid when SENDGRID_API_KEY is set, else test sends answer 503. */
  email?: EmailSender;
  /** Verifies the Event Webhook instead of SENDGRID_WEBHOOK_PUBLIC_KEY (`npm start`: the sink's key). */
  webhookPublicKey?: string;
  /** Tests: answer 500 when a JSON answer does not match its route's schema (src/api/mount-routes.ts). */
  checkResponses?: boolean;
  /**
   * OpenTelemetry, started by the entry point before anything else loaded (src/tracing/): the
   * client it creates carries each request's trace into its signals. Unset: no tracing.
   */
  tracing?: Tracing;
  /** Tests and the bench: broadcast runs with smaller pages and quicker looks. */
  broadcastTuning?: BroadcastTuning;
}

export type ComposedApi = Awaited<ReturnType<typeof composeApi>>;

export async function composeApi(config: ApiConfig, overrides: ApiOverrides = {}) {
  const owned: (() => Promise<void>)[] = [];
  const logger = overrides.logger ?? createLogger(config.logLevel, 'kairos-api');
  if (config.env === 'production' && !config.temporal.payloadKeys.length)
    logger.warn("KAIROS_PAYLOAD_KEYS is unset: customers' data goes into Temporal histories in clear");
  const db = overrides.db ?? createDb(config.database);
  if (!overrides.db) owned.push(() => db.$disconnect());
  let client = overrides.client;
  if (!client) {
    const connection = await Connection.connect(temporalConnectionOptions(config.temporal));
    owned.push(() => connection.close());
    // Customers' data goes into histories encrypted (an override client brings its own converter).
    client = new Client({
      connection,
      namespace: config.temporal.namespace,
      dataConverter: payloadDataConverter(config.temporal.payloadKeys),
      ...(overrides.tracing ? { interceptors: tracingClientInterceptors() } : {}),
    });
  }
  const temporalClient = client;
  const email =
    overrides.email ??
    (config.email.apiKey
      ? createSendGridSender({
          apiKey: config.email.apiKey,
          baseUrl: config.email.baseUrl,
          timeoutMs: config.email.timeoutMs,
        })
      : undefined);
  const unsubscribe = createUnsubscribeLinks({ secret: config.signingSecret, publicUrl: config.api.publicUrl });

  const customers = createCustomerClient(temporalClient, config.temporal.taskQueue);
  const identity = createIdentity(db, customers);
  // Which event types some program version in use references; kept current across API processes
  // by LISTEN/NOTIFY. Closed by close() (it never keeps a process alive by itself).
  const referenced = createReferencedIndex({ url: connectionStringOf(db), logger });
  // The segments an event can change are evaluated once it is stored; transitions are signalled as events are.
  const segmentIndex = createSegmentIndex({ db, logger });
  const segments = createSegmentEvaluation({
    db,
    logger,
    index: segmentIndex,
    referenced,
    deliver: (customerId, event) => ingestion.deliver(customerId, event),
  });
  const ingestion = createIngestion({ db, identity, customers, logger, referenced, segments });
  const templates = createTemplateService(db);
  const controllers = createReleaseControllers(temporalClient, config.temporal.taskQueue);
  const programs = createProgramService(db, { changed: referenced.refresh });
  const deps: AppDeps = {
    db,
    logger,
    identity,
    ingestion,
    segments: createSegmentService(db, { changed: segmentIndex.refresh }),
    // The base's figures are read again, in the background, once five minutes old: they move slowly and cost seconds.
    personas: createPersonas({ db, clock: systemClock, baseMaxAgeMs: 5 * 60_000 }),
    imports: createImportService({
      db,
      logger,
      jobs: createImportJobs(temporalClient, config.temporal.taskQueue),
      storage: config.imports,
    }),
    customers,
    programs,
    experiments: createExperimentService(db, controllers),
    rollouts: createRolloutService(db, controllers),
    broadcasts: createBroadcastService({
      db,
      programs,
      runs: createBroadcastRuns(temporalClient, config.temporal.taskQueue, overrides.broadcastTuning),
    }),
    audit: createAuditLog(db),
    templates,
    templatePreview: createTemplatePreview({
      db,
      templates,
      email: email && { sender: email, from: config.email.from },
      unsubscribe,
    }),
    consent: createConsent(db),
    unsubscribe,
    apiKeys: createApiKeyService({ db, bootstrapKey: config.api.bootstrapKey }),
    rateLimitPerMinute: config.api.rateLimitPerMinute,
    webhookPublicKey: overrides.webhookPublicKey ?? config.api.webhookPublicKey,
    payloadCodec: config.temporal.payloadKeys.length ? createPayloadCodec(config.temporal.payloadKeys) : undefined,
    codecCorsOrigin: config.api.codecCorsOrigin,
    metrics: createApiMetrics(db),
    probes: [
      databaseProbe(db),
      { name: 'temporal', check: async () => void (await temporalClient.workflowService.getSystemInfo({})) },
    ],
  };
  const app = createApp(deps, { checkResponses: overrides.checkResponses });
  const relay = createRelay({ db, ingestion, logger, referenced });
  let serving: { server: Server; relay: { stop(): Promise<void> }; rollups: { stop(): Promise<void> } } | undefined;

  return {
    app,
    deps,
    relay,
    referenced,
    logger,
    client: temporalClient,
    /** Listens on KAIROS_API_HOST:KAIROS_API_PORT, runs the outbox relay and makes sure the Schedules exist. */
    async serve(): Promise<Server> {
      const server = app.listen(config.api.port, config.api.host);
      await new Promise<void>((r, reject) => server.once('listening', r).once('error', reject));
      // The audience rollups' appended rows are folded every 30 s, read or not.
      serving = { server, relay: relay.start(), rollups: startRollupRefresher(db, logger) };
      await ensureSchedules(temporalClient, config.temporal.taskQueue, config.schedules, logger);
      return server;
    },
    /**
     * The server and the relay first, then pending delivered marks, the LISTEN connection, and
     * last what this composition created.
     */
    async close(): Promise<void> {
      if (serving) {
        const { server } = serving;
        await new Promise<void>((r) => server.close(() => r()));
        await serving.relay.stop();
        await serving.rollups.stop();
      }
      await ingestion.flush();
      await referenced.close();
      for (const close of owned.reverse()) await close();
    },
  };
}
