// Composition root of the API process: config, logger, database, Temporal client, HTTP server,
// and the outbox relay. Production entry point (`npm run api`).
import { Client, Connection } from '@temporalio/client';
import { createApiServices } from './api/api-services';
import { loadConfig } from './config';
import { createDb } from './db/prisma';
import { createSendGridSender } from './messaging/sendgrid-sender';
import { createUnsubscribeLinks } from './messaging/unsubscribe';
import { createLogger } from './logger';
import { temporalConnectionOptions } from './temporal/connection';
import { ensureSchedules } from './temporal/schedules';
import { onShutdown } from './shutdown';

export async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'kairos-api');
  if (!config.api.bootstrapKey) logger.warn('KAIROS_BOOTSTRAP_KEY is not set: every /v1 route will answer 401');
  if (!config.signingSecret)
    throw new Error('KAIROS_SIGNING_SECRET is required: the API verifies the unsubscribe links the worker signs');
  const db = createDb(config.database);
  const connection = await Connection.connect(temporalConnectionOptions(config.temporal));
  const client = new Client({ connection, namespace: config.temporal.namespace });
  // Test sends need an EmailSender; without SENDGRID_API_KEY they answer 503 and the rest works.
  const email = config.email.apiKey
    ? {
        sender: createSendGridSender({
          apiKey: config.email.apiKey,
          baseUrl: config.email.baseUrl,
          timeoutMs: config.email.timeoutMs,
        }),
        from: config.email.from,
      }
    : undefined;
  const unsubscribe = createUnsubscribeLinks({ secret: config.signingSecret, publicUrl: config.api.publicUrl });
  const { app, relay, deps, close } = createApiServices({
    db,
    client,
    logger,
    taskQueue: config.temporal.taskQueue,
    bootstrapKey: config.api.bootstrapKey,
    rateLimitPerMinute: config.api.rateLimitPerMinute,
    webhookPublicKey: config.email.webhookPublicKey,
    email,
    unsubscribe,
  });
  const server = app.listen(config.api.port, config.api.host, () =>
    logger.info({ url: `http://${config.api.host}:${config.api.port}` }, 'API listening'),
  );
  const relayLoop = relay.start();
  await ensureSchedules(client, config.temporal.taskQueue, logger);
  onShutdown(logger, async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await relayLoop.stop();
    await close();
    // Imports answered before the recommendation lists were rebuilt: finish that rebuild.
    await deps.imports.recommendationsRefreshed();
    await connection.close();
    await db.$disconnect();
  });
}

if (require.main === module) void main().catch(fatal);

function fatal(err: unknown): never {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
