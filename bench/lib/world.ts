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
import { createApiServices } from '../../src/api/api-services';
import { createDb, type Db } from '../../src/db/prisma';
import { devPostgres } from '../../src/dev/postgres';
import { startTemporalDevServer, type DevServer } from '../../src/dev/temporal-dev-server';
import { createSendGridSender } from '../../src/messaging/sendgrid-sender';
import { startSink, type RunningSink } from '../../src/messaging/sink/start-sink';
import { createUnsubscribeLinks } from '../../src/messaging/unsubscribe';
import { createWebhookSender } from '../../src/messaging/webhook-sender';
import { createKairosWorker, WORKFLOWS_PATH } from '../../src/worker/create-worker';
import { admin } from '../../test/helpers/database';
import { withDatabase } from '../../test/helpers/database-url';
import { freePort } from '../../test/drills/support/ports';
import { DEFAULT_CONTROL_TIMING } from '../../src/programs/program-control';

const ROOT = resolve(__dirname, '../..');
export const TASK_QUEUE = 'kairos-bench';
export const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';
const SECRET = 'bench-signing-secret-0123456789abcdef';
const logger = pino({ level: 'silent' });
const noop = () => undefined;
const quiet = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

export interface BenchWorld {
  db: Db;
  client: Client;
  connection: NativeConnection;
  sink: RunningSink;
  /** The scratch database, for workers in other processes. */
  databaseUrl: string;
  temporalAddress: string;
  worker: Worker;
  workflowCode: string;
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
    const client = new Client({ connection: clientConnection, namespace: 'default' });
    const connection = await NativeConnection.connect({ address: server.address });
    cleanups.push(() => connection.close());

    const sink = await startSink({ port: 0 });
    cleanups.push(() => sink.close());
    const email = createSendGridSender({ apiKey: 'SG.bench-key', baseUrl: sink.url });
    const unsubscribe = createUnsubscribeLinks({ secret: SECRET, publicUrl: 'http://kairos.bench' });

    const { code: workflowCode } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quiet });
    const deps = {
      db,
      email,
      contactPolicy: { caps: [], quietHours: null },
      controlTiming: DEFAULT_CONTROL_TIMING,
      logger,
      emailFrom: 'journeys@kairos.bench',
      unsubscribe,
      webhooks: createWebhookSender({ secret: SECRET, timeoutMs: 5000 }),
    };
    /** A worker in this process with the real activities, for a task queue and a workflow bundle. */
    const startWorker = async (taskQueue: string, code: string) => {
      const w = await createKairosWorker({
        connection,
        namespace: 'default',
        taskQueue,
        workflowBundle: { code },
        deps,
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

    const api = createApiServices({
      db,
      client,
      taskQueue: TASK_QUEUE,
      logger,
      bootstrapKey: ADMIN_KEY,
      rateLimitPerMinute: 1_000_000_000, // the bench measures throughput, not the per-key limit
      email: { sender: email, from: 'journeys@kairos.bench' },
      unsubscribe,
    });
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
      connection,
      sink,
      worker,
      workflowCode,
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
