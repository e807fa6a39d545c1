// A whole Kairos for one drill, in separate pieces a drill can break: a file-backed Temporal dev
// server (restartable on its port), a database of its own, the SendGrid sink with the real
// client, the worker in a child process (killable), and the API over HTTP with its outbox relay.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createApiServices } from '../../../src/api/api-services';
import { createDb, type Db } from '../../../src/db/prisma';
import { startTemporalDevServer, type DevServer } from '../../../src/dev/temporal-dev-server';
import { startSink, type RunningSink } from '../../../src/messaging/sink/start-sink';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { launchProgram, seedTemplates, sendsAtOnce } from '../../helpers/seed';
import { TEST_TASK_QUEUE, testLogger } from '../../helpers/worker';
import { TEST_ADMIN_KEY } from '../../helpers/world';
import { listen, type ApiServer } from '../../integration/http';
import { freePort } from './ports';
import { startWorkerProcess, type WorkerProcess } from './worker-process';

/** The drills' program: one email per customer as soon as their `drill_signup` arrives. */
export const TRIGGER = 'drill_signup';

export interface DrillWorld {
  database: TestDatabase;
  /** The database as the API and the worker reach it (through a drill's proxy, if any). */
  db: Db;
  sink: RunningSink;
  client: Client;
  http: ApiServer;
  services: ReturnType<typeof createApiServices>;
  worker: WorkerProcess;
  /** kill -9 the worker process (no shutdown) and start a new one. */
  killAndRestartWorker(): Promise<void>;
  stopTemporal(): Promise<void>;
  startTemporal(): Promise<void>;
  stop(): Promise<void>;
}

export async function startDrillWorld(options: { viaDatabaseUrl?: (directUrl: string) => Promise<string> } = {}): Promise<DrillWorld> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const c of cleanups.reverse()) await c().catch((e: unknown) => console.error('drill cleanup:', e));
  };
  try {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    await seedTemplates(database.db, ['drill-note']);
    await launchProgram(database.db, 'drill-welcome', sendsAtOnce('Drill welcome', TRIGGER, {}, 'drill-note'));
    const url = options.viaDatabaseUrl ? await options.viaDatabaseUrl(database.url) : database.url;
    const db = url === database.url ? database.db : createDb({ url, poolSize: 5 });
    if (db !== database.db) cleanups.push(() => db.$disconnect());

    const sink = await startSink({ port: 0 });
    cleanups.push(() => sink.close());

    const dataDir = mkdtempSync(join(tmpdir(), 'kairos-drill-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    let temporal: DevServer | undefined = await startTemporalDevServer({ dataDir, port, uiPort: await freePort(), namespace: 'default' });
    cleanups.push(async () => temporal?.stop());
    const connection = await Connection.connect({ address: temporal.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: 'default' });

    const workerSettings = { temporalAddress: temporal.address, databaseUrl: url, sinkUrl: sink.url };
    let worker = await startWorkerProcess(workerSettings);
    cleanups.push(() => worker.stop());

    const services = createApiServices({ db, client, taskQueue: TEST_TASK_QUEUE, logger: testLogger, bootstrapKey: TEST_ADMIN_KEY, rateLimitPerMinute: 1_000_000 });
    const http = await listen(services.app);
    cleanups.push(() => http.close());
    // As in every API process: the relay delivers what the request could not signal.
    const relay = services.relay.start(250);
    cleanups.push(() => relay.stop());

    return {
      database,
      db,
      sink,
      client,
      http,
      services,
      get worker() {
        return worker;
      },
      async killAndRestartWorker() {
        await worker.kill9();
        worker = await startWorkerProcess(workerSettings);
      },
      async stopTemporal() {
        await temporal?.stop();
        temporal = undefined;
      },
      async startTemporal() {
        temporal = await startTemporalDevServer({ dataDir, port, uiPort: await freePort(), namespace: 'default' });
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
