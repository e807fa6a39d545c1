// Wires the API's services from its infrastructure (database, Temporal client). Shared by the
// API process, `npm start` and the integration tests, so all three run the same graph.
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { createIdentity } from '../customers/identity';
import type { Db } from '../db/prisma';
import { createIngestion } from '../ingestion/ingestion';
import { createRelay } from '../ingestion/relay';
import { createProgramService } from '../programs/program-service';
import { createCustomerClient } from '../temporal/customer-client';
import { createApp, type AppDeps } from './app';
import { databaseProbe } from './health-router';

export interface ApiInfrastructure {
  db: Db;
  client: Client;
  taskQueue: string;
  logger: Logger;
  bootstrapKey: string | undefined;
  /** Off for servers without Kairos' search attributes registered (the time-skipping test server). */
  searchAttributes?: boolean;
}

export function createApiServices(infra: ApiInfrastructure) {
  const { db, client, logger } = infra;
  const customers = createCustomerClient(client, infra.taskQueue, { searchAttributes: infra.searchAttributes ?? true });
  const identity = createIdentity(db);
  const ingestion = createIngestion({ db, identity, customers, logger });
  const deps: AppDeps = {
    db,
    logger,
    identity,
    ingestion,
    customers,
    programs: createProgramService(db),
    bootstrapKey: infra.bootstrapKey,
    probes: [databaseProbe(db), { name: 'temporal', check: async () => void (await client.workflowService.getSystemInfo({})) }],
  };
  return { deps, app: createApp(deps), relay: createRelay({ db, ingestion, logger }) };
}
