// The HTTP app, assembled from routers; `listen` is the caller's business (api-main, tests).
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Identity } from '../customers/identity';
import type { Db } from '../db/prisma';
import type { Ingestion } from '../ingestion/ingestion';
import type { ProgramService } from '../programs/program-service';
import type { CustomerClient } from '../temporal/customer-client';
import { requireKey } from './auth';
import { customersRouter } from './customers-router';
import { HttpError, problemHandler } from './errors';
import { eventsRouter } from './events-router';
import { healthRouter, type ReadinessProbe } from './health-router';
import { programsRouter } from './programs-router';

export interface AppDeps {
  db: Db;
  logger: Logger;
  identity: Identity;
  ingestion: Ingestion;
  programs: ProgramService;
  customers: CustomerClient;
  probes: ReadinessProbe[];
  bootstrapKey: string | undefined;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(healthRouter(deps.probes));
  app.use(express.json({ limit: '5mb' }));
  app.use('/v1', requireKey(deps.bootstrapKey));
  app.use(eventsRouter(deps.ingestion));
  app.use(customersRouter(deps));
  app.use(programsRouter(deps));
  app.use((req, _res, next) => next(new HttpError(404, 'Not found', `No route for ${req.method} ${req.path}`)));
  app.use(problemHandler(deps.logger));
  return app;
}
