// `npm start`: the whole of Kairos in one command on embedded defaults. PostgreSQL (embedded, on
// .data/postgres, or DATABASE_URL), a file-backed Temporal dev server (or TEMPORAL_ADDRESS), the
// local SendGrid sink, the worker and the API in this process, and the demo. Ctrl-C stops it all.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Runtime } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { composeApi } from '../apps/api';
import { composeWorker } from '../apps/worker';
import { createDb } from '../db/prisma';
import { createLogger, temporalLogger } from '../logger';
import { createSendGridSender } from '../messaging/sendgrid-sender';
import { startSink } from '../messaging/sink/start-sink';
import { onShutdown } from '../shutdown';
import { describeDeployment, setCurrentVersion } from '../temporal/worker-deployment';
import type { WorkerConfig } from '../config/worker-config';
import { demoEmail, demoInstructions, runDemo } from './demo';
import { loadDevConfig, loadDevSettings } from './dev-config';
import { devSecrets } from './dev-secrets';
import { migrateDatabase } from './migrate';
import { devPorts, ensurePortsFree } from './ports';
import { devPostgres } from './postgres';
import { retireOtherEngineData } from './engine-data';
import { startTemporalDevServer } from './temporal-dev-server';

const root = resolve(__dirname, '../..');

async function main(): Promise<void> {
  const postgres = await devPostgres();
  const dataDir = resolve(root, loadDevSettings().dataDir);
  mkdirSync(dataDir, { recursive: true });
  // Development secrets, generated on first start and kept in the data folder (the environment's win).
  const config = loadDevConfig({
    DATABASE_URL: postgres.url,
    LOG_LEVEL: 'warn',
    ...devSecrets(dataDir),
  });
  const { api: apiConfig, worker: workerConfig, dev } = config;
  // A second `npm start` would otherwise fail on whichever port came first, with no word of why.
  await ensurePortsFree(devPorts(config));
  const logger = createLogger(apiConfig.logLevel, 'kairos');
  Runtime.install({ logger: temporalLogger(logger) });

  migrateDatabase(postgres.url);

  const [host, port] = apiConfig.temporal.address.split(':');
  if (dev.ownTemporal) retireOtherEngineData(dataDir, logger);
  const devServer = dev.ownTemporal
    ? await startTemporalDevServer({
        dataDir,
        port: Number(port ?? 7233),
        uiPort: dev.temporalUiPort,
        namespace: apiConfig.temporal.namespace,
      })
    : undefined;
  if (devServer && host !== '127.0.0.1' && host !== 'localhost')
    throw new Error('without TEMPORAL_ADDRESS, npm start runs its own server on 127.0.0.1');

  // The sink starts first and posts its signed webhooks to the API's (known) URL; the API, built
  // later, verifies them with the sink's key. Batches sent before the API listens are retried.
  const sink = await startSink({
    port: dev.sinkPort,
    logger,
    webhookUrl: `${apiConfig.api.publicUrl}/v1/webhooks/sendgrid`,
  });
  // One database pool and one SendGrid client for both halves of this process.
  const db = createDb(apiConfig.database);
  const email = createSendGridSender({
    apiKey: workerConfig.email.apiKey,
    baseUrl: workerConfig.email.baseUrl,
    timeoutMs: workerConfig.email.timeoutMs,
  });
  const worker = await composeWorker(workerConfig, { db, logger, email });
  const workerRun = worker.worker.run();
  const api = await composeApi(apiConfig, { db, logger, email, webhookPublicKey: sink.publicKey });
  await routeNewWorkflowsHere(api.client, workerConfig.deployment, devServer !== undefined, logger);
  await api.serve();

  onShutdown(logger, async () => {
    await api.close();
    // The SDK's runtime also hears SIGINT/SIGTERM and may have begun draining: shutdown() throws then.
    if (worker.worker.getState() === 'RUNNING') worker.worker.shutdown();
    await workerRun;
    await worker.close();
    await sink.close();
    await db.$disconnect();
    await devServer?.stop();
    await postgres.stop();
  });

  const demo = await runDemo(api.deps, logger);
  // Say what became of her email (the contact policy may have skipped it), not what should have.
  const demoMail = await demoEmail(db, demo, 30_000);
  console.log(
    demoInstructions({
      apiUrl: apiConfig.api.publicUrl,
      key: apiConfig.api.bootstrapKey ?? '',
      sinkUrl: sink.url,
      uiUrl: devServer?.uiUrl ?? '(your Temporal UI)',
      simonaId: demo.simonaId,
      email: demoMail,
    }),
  );
}

/**
 * npm start runs one build at a time, so development is unversioned by default: a versioned dev
 * worker would leave the rollout and experiment controllers pinned to a build that no longer runs
 * after the next commit (customer workflows would move on). With
 * KAIROS_WORKER_VERSIONING=true its build becomes the current version (idempotent), or no
 * workflow would be dispatched to it. Unversioned on its own server, it undoes such an earlier run.
 */
async function routeNewWorkflowsHere(
  client: Client,
  deployment: WorkerConfig['deployment'],
  ownServer: boolean,
  logger: Logger,
): Promise<void> {
  if (deployment.versioning) {
    await setCurrentVersion(client, deployment.name, deployment.buildId, { waitMs: 30_000 });
  } else if (ownServer && (await describeDeployment(client, deployment.name))?.current) {
    await setCurrentVersion(client, deployment.name, null, { waitMs: 30_000 });
    logger.warn(
      'new workflows go to unversioned workers again; ' +
        'controllers pinned to an earlier build stay on it (README "Deploying a new worker version")',
    );
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
