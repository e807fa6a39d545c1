// `npm run cluster`: Kairos in its production shape on one machine. PostgreSQL as `npm start` finds
// it (embedded in .data/postgres, or DATABASE_URL), a real temporal-server on it (or
// TEMPORAL_ADDRESS's server), two worker processes and two API processes running the real entry
// points, each configured by its environment, the local SendGrid sink, and the demo. Ctrl-C or
// SIGTERM stops the APIs, lets the workers drain, then stops the server and PostgreSQL.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { composeApi } from '../apps/api';
import pino from 'pino';
import { startSink, type RunningSink } from '../messaging/sink/start-sink';
import { prefixed, startKairosProcess, type KairosProcess } from './cluster-process';
import { apiReady, workerReady } from './cluster-ready';
import { clusterPorts, clusterSummary } from './cluster-summary';
import { demoEmail, demoInstructions, runDemo } from './demo';
import { devEnvironment, loadDevConfig, loadDevSettings } from './dev-config';
import { devSecrets } from './dev-secrets';
import { migrateDatabase } from './migrate';
import { ensurePortsFree } from './ports';
import { devPostgres, type Postgres } from './postgres';
import { startTemporalServer, type TemporalServer } from './temporal-server';

const root = resolve(__dirname, '../..');
const PER_ROLE = 2;
/** The first worker's /metrics unless KAIROS_METRICS_PORT says otherwise; the others follow it. */
const WORKER_METRICS_PORT = 9464;
/** An API stops at once; a worker gets its grace for sends in flight and this much more, then is killed. */
const API_STOP_MS = 30_000;
const DRAIN_SLACK_MS = 15_000;

interface Running {
  postgres?: Postgres;
  server?: TemporalServer;
  sink?: RunningSink;
  apis: KairosProcess[];
  workers: KairosProcess[];
  stopping: boolean;
}
const running: Running = { apis: [], workers: [], stopping: false };

async function main(): Promise<void> {
  const dataDir = resolve(root, loadDevSettings().dataDir);
  mkdirSync(dataDir, { recursive: true });
  // Development secrets as npm start keeps them; the processes log at info (LOG_LEVEL wins).
  const found = (databaseUrl: string) => ({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'info', ...devSecrets(dataDir) });
  // Read before anything starts, so a bad variable or a taken port leaves nothing to undo.
  const preview = loadDevConfig(found('postgresql://not-started-yet'));
  const apiPorts = Array.from({ length: PER_ROLE }, (_, i) => preview.api.api.port + i);
  // Each worker's /metrics, and its SDK exporter on the port after it.
  const metricsBase = preview.worker.metrics.port ?? WORKER_METRICS_PORT;
  const workerMetricsPorts = Array.from({ length: PER_ROLE }, (_, i) => ({
    metrics: metricsBase + 2 * i,
    sdk: metricsBase + 2 * i + 1,
  }));
  await ensurePortsFree(clusterPorts(preview, apiPorts, workerMetricsPorts));
  // Its own lines (the sink's, processes that exit, the shutdown) read like the processes' lines.
  const logger = pino(
    { level: preview.api.logLevel },
    { write: (line: string) => console.log(prefixed('cluster', line.trimEnd())) },
  );
  // Not src/shutdown.ts's once-only handlers: under npm a Ctrl-C arrives twice (the terminal's, and
  // npm's forwarded copy), and a second signal with no handler would kill this process before it
  // has stopped the server and PostgreSQL.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      if (running.stopping) return;
      logger.info({ signal }, 'stopping the cluster');
      stopAll(preview.worker.shutdownGraceMs).then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'the cluster did not stop cleanly');
          process.exit(1);
        },
      );
    });

  const postgres = (running.postgres = await devPostgres());
  migrateDatabase(postgres.url);
  const { api: apiConfig, dev } = loadDevConfig(found(postgres.url));
  const { namespace, taskQueue } = apiConfig.temporal;
  const server = dev.ownTemporal
    ? (running.server = await startTemporalServer({
        postgresUrl: postgres.url,
        workDir: join(dataDir, 'temporal-server'),
        namespace,
        port: Number(apiConfig.temporal.address.split(':')[1]),
      }))
    : undefined;
  const temporalAddress = server?.address ?? apiConfig.temporal.address;

  // Its signed webhooks go to the first API; every API verifies them with its key.
  const sink = (running.sink = await startSink({
    port: dev.sinkPort,
    logger,
    webhookUrl: `${apiConfig.api.publicUrl}/v1/webhooks/sendgrid`,
  }));
  const env = {
    ...devEnvironment(found(postgres.url)),
    TEMPORAL_ADDRESS: temporalAddress,
    SENDGRID_WEBHOOK_PUBLIC_KEY: sink.publicKey,
  };
  running.apis = apiPorts.map((port, i) =>
    startKairosProcess(`api-${i + 1}`, 'src/api-main.ts', { ...env, KAIROS_API_PORT: String(port) }),
  );
  running.workers = workerMetricsPorts.map((ports, i) =>
    startKairosProcess(`worker-${i + 1}`, 'src/worker-main.ts', {
      ...env,
      KAIROS_METRICS_HOST: '127.0.0.1',
      KAIROS_METRICS_PORT: String(ports.metrics),
      KAIROS_SDK_METRICS_PORT: String(ports.sdk),
    }),
  );
  // One that ends on its own (a crash, or a kill to watch the other carry on) is reported, not fatal.
  for (const p of [...running.apis, ...running.workers])
    void p.exited.then((exit) => running.stopping || logger.warn({ ...exit }, `${p.name} (pid ${p.pid}) has exited`));

  const apiUrls = apiPorts.map((port) => `http://${apiConfig.api.host}:${port}`);
  const connection = await Connection.connect({ address: temporalAddress });
  try {
    const client = new Client({ connection, namespace });
    await Promise.all([
      ...running.apis.map((p, i) => apiReady(p, apiUrls[i]!)),
      ...running.workers.map((p) => workerReady(p, client, taskQueue)),
    ]);
  } finally {
    await connection.close();
  }

  // The demo's seed goes through the services, composed here for it and closed: the journey itself
  // runs on the workers, and its email reaches the sink as any other.
  const seeder = await composeApi(
    { ...apiConfig, temporal: { ...apiConfig.temporal, address: temporalAddress } },
    { logger, webhookPublicKey: sink.publicKey },
  );
  let demo: Awaited<ReturnType<typeof runDemo>>;
  let email: Awaited<ReturnType<typeof demoEmail>>;
  try {
    demo = await runDemo(seeder.deps, logger);
    email = await demoEmail(seeder.deps.db, demo, 60_000);
  } finally {
    await seeder.close();
  }
  const instructions = demoInstructions({
    apiUrl: apiConfig.api.publicUrl,
    key: apiConfig.api.bootstrapKey ?? '',
    sinkUrl: sink.url,
    uiUrl: `none (temporal-server has no Web UI): .tools/bin/temporal --address ${temporalAddress} workflow list`,
    simonaId: demo.simonaId,
    email,
  });
  console.log(instructions);
  console.log(
    clusterSummary({
      apis: running.apis.map((p, i) => ({ process: p, url: apiUrls[i]! })),
      workers: running.workers.map((process, i) => ({
        process,
        metricsUrl: `http://127.0.0.1:${workerMetricsPorts[i]!.metrics}/metrics`,
      })),
      temporal: { address: temporalAddress, namespace, taskQueue, logFile: server?.logFile },
      postgresUrl: postgres.url,
    }),
  );
}

/** The APIs first, so no new work comes in; then the workers drain; then what they used. */
async function stopAll(workerGraceMs: number): Promise<void> {
  running.stopping = true;
  await Promise.all(running.apis.map((p) => p.stop(API_STOP_MS)));
  await Promise.all(running.workers.map((p) => p.stop(workerGraceMs + DRAIN_SLACK_MS)));
  await running.sink?.close();
  await running.server?.stop();
  await running.postgres?.stop();
}

main().catch(async (err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  if (!running.stopping) await stopAll(0).catch((e: unknown) => console.error(e));
  process.exit(1);
});
