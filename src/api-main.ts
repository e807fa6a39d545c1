// Composition root of the API process: config, logger, database, Temporal client, HTTP server,
// and the outbox relay. Production entry point (`npm run api`).
import { Client, Connection } from '@temporalio/client';
import { createApiServices } from './api/api-services';
import { loadConfig } from './config';
import { createDb } from './db/prisma';
import { createLogger } from './logger';
import { temporalConnectionOptions } from './temporal/connection';
import { onShutdown } from './shutdown';

export async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'kairos-api');
  if (!config.api.bootstrapKey) logger.warn('KAIROS_BOOTSTRAP_KEY is not set: every /v1 route will answer 401');
  const db = createDb(config.database);
  const connection = await Connection.connect(temporalConnectionOptions(config.temporal));
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const { app, relay } = createApiServices({ db, client, logger, taskQueue: config.temporal.taskQueue, bootstrapKey: config.api.bootstrapKey });
  const server = app.listen(config.api.port, config.api.host, () => logger.info({ url: `http://${config.api.host}:${config.api.port}` }, 'API listening'));
  const relayLoop = relay.start();
  onShutdown(logger, async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await relayLoop.stop();
    await connection.close();
    await db.$disconnect();
  });
}

if (require.main === module) void main().catch(fatal);

function fatal(err: unknown): never {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
