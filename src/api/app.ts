// The HTTP app, assembled from routers; `listen` is the caller's business (api-main, tests).
import type { PayloadCodec } from '@temporalio/common';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Identity } from '../customers/identity';
import type { Db } from '../db/prisma';
import type { Ingestion } from '../ingestion/ingestion';
import type { ImportService } from '../imports/import-service';
import type { Consent, UnsubscribeLinks } from '../messaging/unsubscribe';
import type { ProgramService } from '../programs/program-service';
import type { SegmentService } from '../segments/segment-service';
import type { Personas } from '../personas/persona';
import type { TemplatePreview } from '../templates/template-preview';
import type { TemplateService } from '../templates/template-service';
import type { CustomerWorkflows } from '../customers/customer-workflows';
import { sendgridWebhookHandlers } from '../webhooks/sendgrid-webhook-router';
import type { ApiKeyService } from '../auth/api-key-service';
import type { AuditLog } from '../audit/audit-log';
import { ROUTES } from '../contracts/routes';
import type { ExperimentService } from '../experiments/experiment-service';
import type { RolloutService } from '../rollouts/rollout-service';
import type { BroadcastService } from '../broadcasts/broadcast-service';
import type { ApiMetrics } from '../metrics/api-metrics';
import { apiKeyHandlers, auditHandlers } from './api-keys-router';
import { audienceHandlers } from './audience-router';
import { authenticate, rateLimitPerKey } from './auth';
import { broadcastHandlers } from './broadcasts-router';
import { codecCors } from './codec-cors';
import { codecHandlers } from './codec-router';
import { customerHandlers } from './customers-router';
import { HttpError, problemHandler } from './errors';
import { eventHandlers } from './events-router';
import { experimentHandlers } from './experiments-router';
import { healthHandlers, type ReadinessProbe } from './health-router';
import { importHandlers } from './imports-router';
import { messageHandlers } from './messages-router';
import { personaHandlers } from './personas-router';
import { countRequests, metricsHandlers } from './metrics-router';
import { bind, mountRoutes } from './mount-routes';
import { consoleAssets } from './console-assets';
import { docsAssets, docsHandlers } from './openapi';
import { programHandlers } from './programs-router';
import { rolloutHandlers } from './rollouts-router';
import { segmentHandlers } from './segments-router';
import { templateHandlers } from './templates-router';
import { unsubscribeHandlers } from './unsubscribe-router';
import { storableUrl } from './validate';

export interface AppDeps {
  db: Db;
  logger: Logger;
  identity: Identity;
  ingestion: Ingestion;
  imports: ImportService;
  programs: ProgramService;
  segments: SegmentService;
  personas: Personas;
  experiments: ExperimentService;
  rollouts: RolloutService;
  broadcasts: BroadcastService;
  audit: AuditLog;
  templates: TemplateService;
  /** Previews and test sends (which need an EmailSender; without one, test sends answer 503). */
  templatePreview: TemplatePreview;
  consent: Consent;
  /** Verifies unsubscribe links; unset, /v1/unsubscribe answers 503. */
  unsubscribe?: UnsubscribeLinks;
  customers: CustomerWorkflows;
  probes: ReadinessProbe[];
  apiKeys: ApiKeyService;
  rateLimitPerMinute: number;
  /** Verifies SendGrid's signed Event Webhook; unset, the webhook answers 503. */
  webhookPublicKey?: string;
  /** Serves the codec routes (/v1/codec/*); unset (KAIROS_PAYLOAD_KEYS unset), they answer 503. */
  payloadCodec?: PayloadCodec;
  /** The one origin (the Temporal Web UI's) that may call the codec routes from a browser. */
  codecCorsOrigin?: string;
  /** Served at /metrics; every request is counted in it. */
  metrics: ApiMetrics;
}

export interface AppOptions {
  /** Tests: answer 500 when a JSON answer does not match its route's schema (src/api/mount-routes.ts). */
  checkResponses?: boolean;
}

export function createApp(deps: AppDeps, options: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(countRequests(deps.metrics));
  // Before any route: no path id or query value with NUL reaches a query (a 400, not PostgreSQL's error).
  app.use(storableUrl);
  app.use(docsAssets());
  app.use(consoleAssets());
  app.use('/v1/codec', codecCors(deps.codecCorsOrigin));
  const routes = [
    bind(ROUTES.public, {
      ...healthHandlers(deps.probes),
      ...metricsHandlers(deps.metrics),
      ...docsHandlers(),
      ...unsubscribeHandlers(deps),
      ...sendgridWebhookHandlers(deps),
    }),
    bind(ROUTES.events, eventHandlers(deps.ingestion, deps.metrics)),
    bind(ROUTES.customers, customerHandlers(deps)),
    bind(ROUTES.programs, programHandlers(deps)),
    bind(ROUTES.segments, segmentHandlers(deps)),
    bind(ROUTES.personas, personaHandlers(deps)),
    bind(ROUTES.experiments, experimentHandlers(deps)),
    bind(ROUTES.rollouts, rolloutHandlers(deps)),
    bind(ROUTES.broadcasts, broadcastHandlers(deps)),
    bind(ROUTES.templates, templateHandlers(deps)),
    bind(ROUTES.messages, messageHandlers(deps)),
    bind(ROUTES.audience, audienceHandlers(deps)),
    bind(ROUTES.imports, importHandlers(deps.imports)),
    bind(ROUTES.apiKeys, apiKeyHandlers(deps.apiKeys)),
    bind(ROUTES.audit, auditHandlers(deps.audit)),
    bind(ROUTES.codec, codecHandlers(deps.payloadCodec)),
  ].flat();
  // Keys are checked before any body is read, so anonymous callers cannot make us parse megabytes.
  mountRoutes(app, routes, {
    authenticate: [authenticate(deps.apiKeys), rateLimitPerKey(deps.rateLimitPerMinute)],
    checkResponses: options.checkResponses,
  });
  app.use((req, _res, next) => next(new HttpError(404, 'Not found', `No route for ${req.method} ${req.path}`)));
  app.use(problemHandler(deps.logger));
  return app;
}
