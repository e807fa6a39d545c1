// Wires the API's services from its infrastructure (database, Temporal client). Shared by the
// API process, `npm start` and the integration tests, so all three run the same graph.
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { createAuditLog } from '../audit/audit-log';
import { createApiKeyService } from '../auth/api-key-service';
import { DEFAULT_RATE_LIMIT_PER_MINUTE } from '../config';
import { createIdentity } from '../customers/identity';
import { connectionStringOf, type Db } from '../db/prisma';
import { createExperimentService } from '../experiments/experiment-service';
import { createIngestion } from '../ingestion/ingestion';
import { createImportService } from '../imports/import-service';
import { createRelay } from '../ingestion/relay';
import type { EmailSender } from '../messaging/email-sender';
import { createConsent, type UnsubscribeLinks } from '../messaging/unsubscribe';
import { createProgramService } from '../programs/program-service';
import { createReferencedIndex } from '../programs/referenced-index';
import { createRolloutService } from '../rollouts/rollout-service';
import { createCustomerClient } from '../temporal/customer-client';
import { createTemplatePreview } from '../templates/template-preview';
import { createTemplateService } from '../templates/template-service';
import { createApp, type AppDeps } from './app';
import { databaseProbe } from './health-router';

export interface ApiInfrastructure {
  db: Db;
  client: Client;
  taskQueue: string;
  logger: Logger;
  bootstrapKey: string | undefined;
  /** Requests a minute per API key; unset, the config default. */
  rateLimitPerMinute?: number;
  /** SendGrid's Event Webhook verification key (base64 SPKI DER); unset, the webhook answers 503. */
  webhookPublicKey?: string;
  /** Sends template test emails; unset, POST /v1/templates/:id/test-send answers 503. */
  email?: { sender: EmailSender; from: string };
  /** Signs and verifies unsubscribe links; unset, /v1/unsubscribe answers 503. */
  unsubscribe?: UnsubscribeLinks;
}

export function createApiServices(infra: ApiInfrastructure) {
  const { db, client, logger } = infra;
  const customers = createCustomerClient(client, infra.taskQueue);
  const identity = createIdentity(db, customers);
  // Which event types some program version in use references; kept current across API processes
  // by LISTEN/NOTIFY. Close it on shutdown (it never keeps a process alive by itself).
  const referenced = createReferencedIndex({ url: connectionStringOf(db), logger });
  const ingestion = createIngestion({ db, identity, customers, logger, referenced });
  const templates = createTemplateService(db);
  const temporal = { client, taskQueue: infra.taskQueue };
  const deps: AppDeps = {
    db,
    logger,
    identity,
    ingestion,
    imports: createImportService({ db, logger }),
    customers,
    programs: createProgramService(db, { changed: referenced.refresh }),
    experiments: createExperimentService(db, temporal),
    rollouts: createRolloutService(db, temporal),
    audit: createAuditLog(db),
    templates,
    templatePreview: createTemplatePreview({ db, templates, email: infra.email, unsubscribe: infra.unsubscribe }),
    consent: createConsent(db),
    unsubscribe: infra.unsubscribe,
    apiKeys: createApiKeyService({ db, bootstrapKey: infra.bootstrapKey }),
    rateLimitPerMinute: infra.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
    webhookPublicKey: infra.webhookPublicKey,
    probes: [
      databaseProbe(db),
      { name: 'temporal', check: async () => void (await client.workflowService.getSystemInfo({})) },
    ],
  };
  /** After the server and the relay have stopped: pending delivered marks, then the LISTEN connection. */
  async function close(): Promise<void> {
    await ingestion.flush();
    await referenced.close();
  }
  return { deps, app: createApp(deps), relay: createRelay({ db, ingestion, logger, referenced }), referenced, close };
}
