// A whole Kairos for one drill, in separate pieces a drill can break: a file-backed Temporal dev
// server (restartable on its port) or a server the drill brings (a real temporal-server), a
// database of its own (on a server of the drill's own, if it means to stop it), the SendGrid sink
// with the real client, the workers in child processes (killable), and the API over HTTP with its
// outbox relay.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { composeApi, type ComposedApi } from '../../../src/apps/api';
import { testApiConfig, testDataConverter } from '../../helpers/config';
import { startTemporalDevServer, type DevServer } from '../../../src/dev/temporal-dev-server';
import { startSink, type RunningSink } from '../../../src/messaging/sink/start-sink';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { referenceEventTypes } from '../../helpers/referenced';
import { launchProgram, seedTemplates, sendsAtOnce } from '../../helpers/seed';
import { listen, type ApiServer } from '../../integration/http';
import { freePort } from './ports';
import { startWorkerProcess, type WorkerProcess, type WorkerSettings } from './worker-process';

/** The drills' program: one email per customer as soon as their `drill_signup` arrives. */
export const TRIGGER = 'drill_signup';

export interface DrillWorld {
  database: TestDatabase;
  /** What the API logged at error level: `<msg>: <error message>` per line. */
  serverErrors: string[];
  sink: RunningSink;
  client: Client;
  http: ApiServer;
  services: ComposedApi;
  /** The first worker process. */
  worker: WorkerProcess;
  /** Every worker process, in start order (a killed one stays listed). */
  workers: readonly WorkerProcess[];
  /** kill -9 the first worker process (no shutdown) and start a new one in its place. */
  killAndRestartWorker(): Promise<void>;
  stopTemporal(): Promise<void>;
  startTemporal(): Promise<void>;
  stop(): Promise<void>;
}

/** A Temporal server a drill can stop and start on the same address. */
export interface DrillTemporal {
  address: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface DrillWorldOptions {
  /** The drill's own database (it is dropped with the world); default: one cloned on the run's server. */
  database?: TestDatabase;
  /** A server the drill started and stops itself (a real temporal-server); default: a dev server of the world's own. */
  temporal?: DrillTemporal;
  /** Worker child processes, all on the one task queue. Default 1. */
  workers?: number;
  /** Each worker's grace for sends in flight on SIGTERM (worker-process.ts). */
  shutdownGraceMs?: number;
}

export async function startDrillWorld(options: DrillWorldOptions = {}): Promise<DrillWorld> {
  const cleanups: (() => Promise<unknown>)[] = [];
  // Each step of the tear-down gets 20 s; one that hangs is named and skipped, so the drill
  // stays bounded and says what would not stop.
  const stop = async () => {
    for (const c of cleanups.reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise(
        (r) =>
          (timer = setTimeout(() => r(`drill cleanup did not finish in 20 s: ${c.toString().slice(0, 80)}`), 20_000)),
      );
      const outcome = await Promise.race([
        c().then(
          () => undefined,
          (e: unknown) => `drill cleanup failed: ${String(e)}`,
        ),
        hung,
      ]);
      clearTimeout(timer);
      if (outcome) console.error(outcome);
    }
  };
  try {
    const database = options.database ?? (await createTestDatabase());
    cleanups.push(() => database.drop());
    const { db, url } = database;
    await seedTemplates(db, ['drill-note']);
    await launchProgram(db, 'drill-welcome', sendsAtOnce('Drill welcome', TRIGGER, {}, 'drill-note'));

    const sink = await startSink({ port: 0 });
    cleanups.push(() => sink.close());

    const temporal = options.temporal ?? (await ownDevServer(cleanups));
    const connection = await Connection.connect({ address: temporal.address });
    cleanups.push(() => connection.close());
    // The workers encrypt payloads with the tests' key: the API's signals and the drill's queries too.
    const client = new Client({ connection, namespace: 'default', dataConverter: testDataConverter() });

    const workerSettings: WorkerSettings = {
      temporalAddress: temporal.address,
      databaseUrl: url,
      sinkUrl: sink.url,
      shutdownGraceMs: options.shutdownGraceMs,
    };
    const workers: WorkerProcess[] = [];
    cleanups.push(() => Promise.all(workers.map((w) => w.stop())));
    // One at a time: each child's start is CPU-bound (loading the bundle) on a 2-core machine.
    for (let i = 0; i < (options.workers ?? 1); i++) workers.push(await startWorkerProcess(workerSettings));

    // The API's errors (a 500's cause is logged, never sent) are kept for the drill to report.
    const serverErrors: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => void serverErrors.push(errorOf(line)) });
    const services = await composeApi(testApiConfig({ KAIROS_RATE_LIMIT_PER_MINUTE: '1000000' }), {
      db,
      client,
      logger,
    });
    cleanups.push(() => services.close());
    // The load's page and cart views reach the workflows (and the relay) as they would with
    // programs that use them: a published version names them, and nobody enters it.
    await referenceEventTypes(services.deps.programs, ['page_view', 'cart_view']);
    const http = await listen(services.app);
    cleanups.push(() => http.close());
    // As in every API process: the relay delivers what the request could not signal.
    const relay = services.relay.start(250);
    cleanups.push(() => relay.stop());

    return {
      database,
      serverErrors,
      sink,
      client,
      http,
      services,
      get worker() {
        return workers[0]!;
      },
      workers,
      async killAndRestartWorker() {
        await workers[0]!.kill9();
        workers[0] = await startWorkerProcess(workerSettings);
      },
      stopTemporal: () => temporal.stop(),
      startTemporal: () => temporal.start(),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A file-backed dev server in a folder of its own, restarted on the same port; gone with the world. */
async function ownDevServer(cleanups: (() => Promise<unknown>)[]): Promise<DrillTemporal> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kairos-drill-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const startOne = async () =>
    startTemporalDevServer({ dataDir, port, uiPort: await freePort(), namespace: 'default' });
  let server: DevServer | undefined = await startOne();
  cleanups.push(async () => server?.stop());
  return {
    address: server.address,
    async stop() {
      await server?.stop();
      server = undefined;
    },
    async start() {
      server = await startOne();
    },
  };
}

function errorOf(line: string): string {
  const entry = JSON.parse(line) as { msg?: string; err?: { type?: string; code?: string; message?: string } };
  return `${entry.msg}: ${entry.err?.type ?? ''} ${entry.err?.code ?? ''} ${entry.err?.message ?? ''}`.slice(0, 300);
}
