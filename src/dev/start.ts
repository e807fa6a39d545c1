// `npm start`: the whole of Kairos in one command on embedded defaults. PostgreSQL (embedded, on
// .data/postgres, or DATABASE_URL), a file-backed Temporal dev server (or TEMPORAL_ADDRESS), the
// local SendGrid sink, the worker and the API in this process, and the demo. Ctrl-C stops it all.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createApiServices } from '../api/api-services';
import { externalTemporal, loadDevConfig, type Config } from '../config';
import { createDb } from '../db/prisma';
import { createLogger, temporalLogger } from '../logger';
import { createSendGridSender } from '../messaging/sendgrid-sender';
import { createUnsubscribeLinks } from '../messaging/unsubscribe';
import { startSink } from '../messaging/sink/start-sink';
import { createWebhookSender } from '../messaging/webhook-sender';
import { onShutdown } from '../shutdown';
import { temporalConnectionOptions } from '../temporal/connection';
import { ensureSchedules } from '../temporal/schedules';
import { describeDeployment, setCurrentVersion } from '../temporal/worker-deployment';
import { createKairosWorker, deploymentVersionOf } from '../worker/create-worker';
import { demoEmail, demoInstructions, runDemo } from './demo';
import { devPorts, ensurePortsFree } from './ports';
import { devPostgres } from './postgres';
import { retireOtherEngineData } from './engine-data';
import { startTemporalDevServer } from './temporal-dev-server';

const root = resolve(__dirname, '../..');

async function main(): Promise<void> {
  const postgres = await devPostgres();
  const databaseUrl = postgres.url;
  const config = loadDevConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' });
  // A second `npm start` would otherwise fail on whichever port came first, with no word of why.
  await ensurePortsFree(devPorts(config, !externalTemporal()));
  const dataDir = resolve(root, config.dev.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const bootstrapKey = config.api.bootstrapKey ?? persistentKey(join(dataDir, 'bootstrap-key'));
  const signingSecret = config.signingSecret ?? persistentKey(join(dataDir, 'signing-secret'));
  const unsubscribe = createUnsubscribeLinks({ secret: signingSecret, publicUrl: config.api.publicUrl });
  const email = createSendGridSender({
    apiKey: config.email.apiKey ?? '',
    baseUrl: config.email.baseUrl,
    timeoutMs: config.email.timeoutMs,
  });
  const logger = createLogger(config.logLevel, 'kairos');
  Runtime.install({ logger: temporalLogger(logger) });

  execFileSync('bash', [join(root, 'scripts/prisma.sh'), 'migrate', 'deploy'], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'ignore', 'inherit'],
  });

  const [host, port] = config.temporal.address.split(':');
  if (!externalTemporal()) retireOtherEngineData(dataDir, logger);
  const devServer = externalTemporal()
    ? undefined
    : await startTemporalDevServer({
        dataDir,
        port: Number(port ?? 7233),
        uiPort: config.dev.temporalUiPort,
        namespace: config.temporal.namespace,
      });
  if (devServer && host !== '127.0.0.1' && host !== 'localhost')
    throw new Error('without TEMPORAL_ADDRESS, npm start runs its own server on 127.0.0.1');

  // The sink starts first and posts its signed webhooks to the API's (known) URL; the API, built
  // later, verifies them with the sink's key. Batches sent before the API listens are retried.
  const sink = await startSink({
    port: config.dev.sinkPort,
    logger,
    webhookUrl: `${config.api.publicUrl}/v1/webhooks/sendgrid`,
  });
  const db = createDb(config.database);
  const nativeConnection = await NativeConnection.connect(temporalConnectionOptions(config.temporal));
  const worker = await createKairosWorker({
    connection: nativeConnection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    deployment: deploymentVersionOf(config.deployment),
    deps: {
      db,
      logger,
      emailFrom: config.email.from,
      contactPolicy: config.contactPolicy,
      controlTiming: config.controlTiming,
      email,
      unsubscribe,
      webhooks: createWebhookSender({ secret: signingSecret }),
    },
  });
  const workerRun = worker.run();

  const connection = await Connection.connect(temporalConnectionOptions(config.temporal));
  const client = new Client({ connection, namespace: config.temporal.namespace });
  await routeNewWorkflowsHere(client, config.deployment, devServer !== undefined, logger);
  const api = createApiServices({
    db,
    client,
    logger,
    taskQueue: config.temporal.taskQueue,
    rateLimitPerMinute: config.api.rateLimitPerMinute,
    bootstrapKey,
    webhookPublicKey: sink.publicKey,
    email: { sender: email, from: config.email.from },
    unsubscribe,
  });
  const server = api.app.listen(config.api.port, config.api.host);
  await new Promise<void>((r, reject) => server.once('listening', r).once('error', reject));
  const relay = api.relay.start();
  await ensureSchedules(client, config.temporal.taskQueue, logger);

  onShutdown(logger, async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await relay.stop();
    await api.close();
    // The SDK's runtime also hears SIGINT/SIGTERM and may have begun draining: shutdown() throws then.
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await workerRun;
    await connection.close();
    await nativeConnection.close();
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
      apiUrl: config.api.publicUrl,
      key: bootstrapKey,
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
  deployment: Config['deployment'],
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

/** A development secret (admin key, signing secret), generated on first start and kept in the data folder. */
function persistentKey(path: string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const key = `kairos_dev_${randomBytes(18).toString('hex')}`;
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  return key;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
