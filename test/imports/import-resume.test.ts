// A worker stopped in the middle of an import, after some batches were checkpointed, and another
// started in its place: the import completes with exact counts, from its checkpoint, not from the
// start of the file (a row before the checkpoint, deleted meanwhile, is not imported again).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { composeApi, type ComposedApi } from '../../src/apps/api';
import { testApiConfig, testWorkerConfig } from '../helpers/config';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startDevServer } from '../helpers/temporal';
import { composeTestWorker } from '../helpers/worker';
import { eventually } from '../helpers/world';

const ROWS = 20_000;

let database: TestDatabase;
let env: TestWorkflowEnvironment;
let api: ComposedApi;
let dir: string;

beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'kairos-import-resume-'));
  env = await startDevServer();
  api = await composeApi(testApiConfig({ KAIROS_IMPORT_DIR: dir }), { db: database.db, client: env.client });
});
afterAll(async () => {
  await api.close();
  await env.teardown();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** A worker of its own, as a process would compose it, with batches of 100 rows. */
async function startWorker() {
  const composed = await composeTestWorker(env, testWorkerConfig({ KAIROS_IMPORT_BATCH_ROWS: '100' }), {
    db: database.db,
  });
  const running = composed.worker.run();
  return {
    async stop() {
      composed.worker.shutdown();
      await running;
      await composed.close();
    },
  };
}

it('resumes on a new worker from the checkpoint, counting every row once', async () => {
  const first = await startWorker();
  const rows = Readable.from(
    (function* () {
      yield 'id,email,city\n';
      for (let i = 0; i < ROWS; i++) yield `r-${i},r${i}@example.com,Celje\n`;
    })(),
  );
  const { id } = await api.deps.imports.upload({ kind: 'customers', format: 'csv', gzip: false, body: rows });
  const row = () => database.db.import.findUniqueOrThrow({ where: { id } });
  await eventually(async () => (await row()).line > 2_000, 60_000, 'some checkpoints');
  await first.stop();

  // Stopped mid-file: what is stored is exactly what the checkpoint counts (each batch is written
  // with its checkpoint), and the file goes on past it.
  const paused = await row();
  expect(paused).toMatchObject({ status: 'running', rowsFailed: 0 });
  expect(paused.line).toBeLessThan(ROWS + 1);
  expect(paused.rowsOk).toBe(paused.line - 1);
  expect(await database.db.customer.count()).toBe(paused.rowsOk);
  // A row before the checkpoint, gone meanwhile, shows whether the next worker starts over.
  await database.db.customer.delete({ where: { id: 'r-0' } });

  const second = await startWorker();
  try {
    const done = await eventually(
      async () => {
        const r = await row();
        return r.status !== 'running' && r;
      },
      120_000,
      'the import to end on the second worker',
    );
    expect(done).toMatchObject({ status: 'completed', rowsOk: ROWS, rowsFailed: 0, line: ROWS + 1 });
    expect(await database.db.customer.count()).toBe(ROWS - 1);
    expect(await database.db.customer.findUnique({ where: { id: 'r-1' } })).not.toBeNull();
    expect(await database.db.customer.findUnique({ where: { id: 'r-0' } })).toBeNull();
    expect(await database.db.customerIdentifier.count()).toBe(ROWS - 1);
  } finally {
    await second.stop();
  }
});
