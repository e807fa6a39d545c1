// The HTTP app, assembled from routers; `listen` is the caller's business (api-main, tests).
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Identity } from '../customers/identity';
import type { Db } from '../db/prisma';
import type { Ingestion } from '../ingestion/ingestion';
import type { ImportService } from '../imports/import-service';
import type { Consent, UnsubscribeLinks } from '../messaging/unsubscribe';
import type { ProgramService } from '../programs/program-service';
import type { TemplatePreview } from '../templates/template-preview';
import type { TemplateService } from '../templates/template-service';
import { templatesRouter } from './templates-router';
import type { CustomerWorkflows } from '../customers/customer-workflows';
import { sendgridWebhookRouter } from '../webhooks/sendgrid-webhook-router';
import type { ApiKeyService } from '../auth/api-key-service';
import type { AuditLog } from '../audit/audit-log';
import type { ExperimentService } from '../experiments/experiment-service';
import type { RolloutService } from '../rollouts/rollout-service';
import { apiKeysRouter } from './api-keys-router';
import { auditRouter } from './audit-router';
import { authenticate, rateLimitPerKey } from './auth';
import { customersRouter } from './customers-router';
import { HttpError, problemHandler } from './errors';
import { eventsRouter } from './events-router';
import { experimentsRouter } from './experiments-router';
import { healthRouter, type ReadinessProbe } from './health-router';
import { importsRouter } from './imports-router';
import { openApiRouter } from './openapi';
import { programsRouter } from './programs-router';
import { rolloutsRouter } from './rollouts-router';
import { unsubscribeRouter } from './unsubscribe-router';
import { jsonBody, storableUrl } from './validate';

export interface AppDeps {
  db: Db;
  logger: Logger;
  identity: Identity;
  ingestion: Ingestion;
  imports: ImportService;
  programs: ProgramService;
  experiments: ExperimentService;
  rollouts: RolloutService;
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
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // Before any route: no path id or query value with NUL reaches a query (a 400, not PostgreSQL's error).
  app.use(storableUrl);
  app.use(healthRouter(deps.probes));
  // Before express.json and the API keys: it verifies its own signature over the raw body.
  app.use(sendgridWebhookRouter(deps));
  app.use(openApiRouter());
  // Not behind API keys: the signed token is the authority (RFC 8058 one-click).
  app.use(unsubscribeRouter(deps));
  // Keys are checked before any body is read, so anonymous callers cannot make us parse megabytes.
  app.use('/v1', authenticate(deps.apiKeys), rateLimitPerKey(deps.rateLimitPerMinute));
  // Before the general parser: the events routes set their own body limits (256 kB, 5 MB).
  app.use(eventsRouter(deps.ingestion));
  // Reads CSV/NDJSON uploads as a stream: ahead of the JSON parser, so nothing buffers a file.
  app.use(importsRouter(deps.imports));
  app.use(jsonBody('5mb'));
  app.use(customersRouter(deps));
  app.use(programsRouter(deps));
  app.use(experimentsRouter(deps));
  app.use(rolloutsRouter(deps));
  app.use(auditRouter(deps));
  app.use(templatesRouter(deps));
  app.use(apiKeysRouter(deps.apiKeys));
  app.use((req, _res, next) => next(new HttpError(404, 'Not found', `No route for ${req.method} ${req.path}`)));
  app.use(problemHandler(deps.logger));
  return app;
}
