// A whole Kairos for the bench, without jest: a file-backed Temporal dev server (WAL, as `npm
// start` runs it), a fresh migrated database, the SendGrid sink, one worker (bundle built once)
// and the API on an ephemeral loopback port.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type Worker } from '@temporalio/worker';
import pino from 'pino';
import { composeApi } from '../../src/apps/api';
import { composeWorker } from '../../src/apps/worker';
import { loadApiConfig } from '../../src/config/api-config';
import { loadWorkerConfig } from '../../src/config/worker-config';
import { createDb, type Db } from '../../src/db/prisma';
import { devPostgres } from '../../src/dev/postgres';
import { startTemporalDevServer, type DevServer } from '../../src/dev/temporal-dev-server';
import { createSendGridSender } from '../../src/messaging/sendgrid-sender';
import { startSink, type RunningSink } from '../../src/messaging/sink/start-sink';
import { payloadDataConverter } from '../../src/temporal/payload-codec';
import { WORKFLOWS_PATH } from '../../src/worker/create-worker';
import { TEST_PAYLOAD_KEYS } from '../../test/helpers/config';
import { admin } from '../../test/helpers/database';
import { withDatabase } from '../../test/helpers/database-url';
import { freePort } from '../../test/drills/support/ports';

const ROOT = resolve(__dirname, '../..');
export const TASK_QUEUE = 'kairos-bench';
export const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';
/** The bench's settings, in the processes' own terms: production defaults but for caps and quiet hours. */
const benchVars = (databaseUrl: string, temporalAddress: string) => ({
  KAIROS_ENV: 'test',
  LOG_LEVEL: 'silent',
  DATABASE_URL: databaseUrl,
  TEMPORAL_ADDRESS: temporalAddress,
  TEMPORAL_TASK_QUEUE: TASK_QUEUE,
  KAIROS_SIGNING_SECRET: 'bench-signing-secret-0123456789abcdef',
  KAIROS_PUBLIC_URL: 'http://kairos.bench',
  KAIROS_BOOTSTRAP_KEY: ADMIN_KEY,
  KAIROS_RATE_LIMIT_PER_MINUTE: '1000000000', // the bench measures throughput, not the per-key limit
  KAIROS_EMAIL_FROM: 'journeys@kairos.bench',
  KAIROS_EMAIL_CAPS: 'off',
  KAIROS_QUIET_HOURS: 'off',
  SENDGRID_API_KEY: 'SG.bench-key',
  // Measured as production should run, every payload encrypted; with the tests' key, which the
  // worker processes some measures start (test/drills/support/worker-child.ts) use too.
  KAIROS_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
});
const logger = pino({ level: 'silent' });
const noop = () => undefined;
const quiet = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

export interface BenchWorld {
  db: Db;
  client: Client;
  /** The payload codec the client and the workers share. */
  dataConverter: ReturnType<typeof payloadDataConverter>;
  connection: NativeConnection;
  sink: RunningSink;
  /** The scratch database, for workers in other processes. */
  databaseUrl: string;
  temporalAddress: string;
  worker: Worker;
  workflowCode: string;
  /** The processes' settings, for a measure that composes an API or worker of its own. */
  vars: Record<string, string>;
  startWorker(taskQueue: string, workflowCode: string): Promise<Worker>;
  apiUrl: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  post(path: string, json: unknown): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export async function startBenchWorld(options: { maxCachedWorkflows: number }): Promise<BenchWorld> {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const stop = async () => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch((e: unknown) => console.error('cleanup:', e));
  };
  try {
    const postgres = await devPostgres();
    cleanups.push(() => postgres.stop());
    const base = postgres.url;
    const name = `kairos_bench_run_${randomBytes(4).toString('hex')}`;
    const url = withDatabase(base, name);
    await admin(base, `CREATE DATABASE ${name}`);
    cleanups.push(() => admin(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    execFileSync('bash', [join(ROOT, 'scripts/prisma.sh'), 'migrate', 'deploy'], {
      env: { ...process.env, DATABASE_URL: url },
      stdio: 'ignore',
    });
    const db = createDb({ url, poolSize: 10 });
    cleanups.push(() => db.$disconnect());

    const dataDir = mkdtempSync(join(tmpdir(), 'kairos-bench-temporal-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const server: DevServer = await startTemporalDevServer({
      dataDir,
      port: await freePort(),
      uiPort: await freePort(),
      namespace: 'default',
    });
    cleanups.push(() => server.stop());
    const clientConnection = await Connection.connect({ address: server.address });
    cleanups.push(() => clientConnection.close());
    const connection = await NativeConnection.connect({ address: server.address });
    cleanups.push(() => connection.close());

    const sink = await startSink({ port: 0 });
    cleanups.push(() => sink.close());
    const vars = { ...benchVars(url, server.address), SENDGRID_BASE_URL: sink.url };
    // The workers' codec and key (composeWorker reads them from the same vars), so each reads the other's payloads.
    const dataConverter = payloadDataConverter(loadApiConfig(vars).temporal.payloadKeys);
    const client = new Client({ connection: clientConnection, namespace: 'default', dataConverter });
    // One SendGrid client for the API and the workers, as `npm start` shares one.
    const email = createSendGridSender({ apiKey: vars.SENDGRID_API_KEY, baseUrl: sink.url });

    const { code: workflowCode } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quiet });
    /** A worker in this process with the real activities, for a task queue and a workflow bundle. */
    const startWorker = async (taskQueue: string, code: string) => {
      const { worker: w } = await composeWorker(loadWorkerConfig({ ...vars, TEMPORAL_TASK_QUEUE: taskQueue }), {
        connection,
        db,
        logger,
        email,
        workflowBundle: { code },
        tuning: { maxCachedWorkflows: options.maxCachedWorkflows },
      });
      const running = w.run();
      cleanups.push(async () => {
        w.shutdown();
        await running;
      });
      return w;
    };
    const worker = await startWorker(TASK_QUEUE, workflowCode);

    const api = await composeApi(loadApiConfig(vars), { db, client, logger, email });
    cleanups.push(() => api.close());
    const http: Server = api.app.listen(0, '127.0.0.1');
    await new Promise<void>((r, j) => http.once('listening', r).once('error', j));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          http.closeAllConnections();
          http.close(() => r());
        }),
    );
    const apiUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const post = async (path: string, json: unknown) => {
      const res = await fetch(`${apiUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(json),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    return {
      db,
      databaseUrl: url,
      temporalAddress: server.address,
      client,
      dataConverter,
      connection,
      sink,
      worker,
      workflowCode,
      vars,
      apiUrl,
      post,
      startWorker,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
