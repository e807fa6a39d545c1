// The imports API over real HTTP, with the real API, a real Temporal dev server and a real worker:
// an upload or a file:// source answers 202 at once, the import workflow runs it in chunks, and
// GET shows it through to the end; bad sources, media types, kinds and keys; the list; cancel;
// and a re-import of the same files that changes nothing.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { composeApi, type ComposedApi } from '../../src/apps/api';
import type { ComposedWorker } from '../../src/apps/worker';
import { importWorkflowId } from '../../src/temporal/addressing';
import { testApiConfig, testWorkerConfig } from '../helpers/config';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { recordHistories } from '../helpers/record-histories';
import { startDevServer } from '../helpers/temporal';
import { composeTestWorker } from '../helpers/worker';
import { eventually } from '../helpers/world';

const ADMIN_KEY = 'imports-test-admin-key-0123456789';

let database: TestDatabase;
let env: TestWorkflowEnvironment;
let worker: ComposedWorker;
let running: Promise<void>;
let services: ComposedApi;
let server: Server;
let baseUrl: string;
let uploadDir: string;
let sourceDir: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const root = mkdtempSync(join(tmpdir(), 'kairos-imports-'));
  uploadDir = join(root, 'uploads');
  sourceDir = join(root, 'sources');
  mkdirSync(sourceDir);
  env = await startDevServer();
  // Batches of 50 rows: every file below spans several batches and checkpoints.
  worker = await composeTestWorker(env, testWorkerConfig({ KAIROS_IMPORT_BATCH_ROWS: '50' }), { db: database.db });
  running = worker.worker.run();
  const config = testApiConfig({
    KAIROS_BOOTSTRAP_KEY: ADMIN_KEY,
    KAIROS_IMPORT_DIR: uploadDir,
    KAIROS_IMPORT_SOURCE_DIRS: sourceDir,
  });
  services = await composeApi(config, { db: database.db, client: env.client, checkResponses: true });
  server = services.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await recordHistories(env, database.db, 'imports');
  await services.close();
  worker.worker.shutdown();
  await running;
  await worker.close();
  await env.teardown();
  await database.drop();
  rmSync(join(uploadDir, '..'), { recursive: true, force: true });
});

/**
 * No request reuses an idle keep-alive socket: one the server closes just as a streamed upload
 * starts on it fails with ECONNRESET, and fetch cannot resend a stream (the cancel test met it in
 * CI). Closing after each answer leaves no idle socket behind.
 */
const FRESH_CONNECTION = { connection: 'close' };

async function post(
  path: string,
  contentType: string,
  body: string | Buffer | Readable,
  key = ADMIN_KEY,
  encoding?: string,
) {
  const stream = body instanceof Readable ? body : Readable.from([Buffer.from(body)]);
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      ...FRESH_CONNECTION,
      'content-type': contentType,
      ...(encoding ? { 'content-encoding': encoding } : {}),
    },
    body: Readable.toWeb(stream) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    location: res.headers.get('location'),
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    body: (await res.json()) as any,
  };
}

const call = async (method: string, path: string) => {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...FRESH_CONNECTION },
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (await res.json()) as any };
};

/** Polls the import until it has ended, and gives its report. */
async function ended(location: string) {
  return eventually(
    async () => {
      const { body } = await call('GET', location);
      return ['completed', 'failed', 'cancelled'].includes(body.status) && body;
    },
    60_000,
    `${location} to end`,
  );
}

/** A CSV: its header, then `count` rows. */
const lines = (header: string, count: number, row: (i: number) => string) =>
  `${header}\n${Array.from({ length: count }, (_, i) => row(i)).join('\n')}\n`;

const fromFile = (kind: string, file: string, extra: Record<string, unknown> = {}) =>
  post(`/v1/imports/${kind}`, 'application/json', JSON.stringify({ url: pathToFileURL(file).href, ...extra }));

it('answers 202 to a streamed upload, and the job imports it: progress, counts, then the file is gone', async () => {
  // Generated lazily, so the request body is a real stream of many chunks.
  const products = Readable.from(
    (function* () {
      for (let i = 0; i < 5000; i++) {
        const product = { id: `p-${i}`, name: `Hat ${i}`, category: 'hats', stock: 20 + (i % 7), targetStock: 10 };
        yield `${JSON.stringify(product)}\n`;
      }
    })(),
  );
  const p = await post('/v1/imports/products', 'application/x-ndjson', products);
  expect(p).toMatchObject({ status: 202, body: { kind: 'products', format: 'ndjson', source: { type: 'upload' } } });
  expect(['queued', 'running']).toContain(p.body.status);
  expect(p.location).toBe(`/v1/imports/${p.body.id}`);
  const done = await ended(p.location!);
  expect(done).toMatchObject({ status: 'completed', rowsOk: 5000, rowsFailed: 0, errors: [] });
  expect(done.bytesRead).toBe(done.bytesTotal);
  expect(done.rowsPerSecond).toBeGreaterThan(0);
  expect(done.startedAt).not.toBeNull();
  expect(await database.db.product.count()).toBe(5000);
  // The job removes the upload as it ends, just after the last chunk marks the import completed.
  await eventually(async () => readdirSync(uploadDir).length === 0, 10_000, 'the upload to be removed');
  // The workflow rebuilt the recommendation lists after a products import.
  await eventually(async () => (await database.db.productShortlist.count({ where: { list: 'category:hats' } })) > 0);

  const c = await post(
    '/v1/imports/customers',
    'text/csv; charset=utf-8',
    'id,email,firstName\nc-1,ana@example.com,Ana\nc-2,bad,Bo\n',
  );
  expect(c.status).toBe(202);
  expect(await ended(c.location!)).toMatchObject({
    status: 'completed',
    rowsOk: 1,
    rowsFailed: 1,
    errors: [{ row: 3, path: '$.email', message: 'must be an email address' }],
  });

  const o = await post(
    '/v1/imports/purchases',
    'text/csv',
    'orderId,customerId,productId,orderedAt,price\no-1,c-1,p-42,2025-03-01T10:00:00Z,12.5\n',
  );
  expect(await ended(o.location!)).toMatchObject({ status: 'completed', rowsOk: 1 });
  expect(await database.db.orderLine.findMany()).toMatchObject([
    { orderId: 'o-1', customerId: 'c-1', productId: 'p-42', quantity: 1 },
  ]);
  // Each purchases batch refreshes its customers' computed traits.
  expect(await database.db.customerTraits.findUnique({ where: { customerId: 'c-1' } })).toMatchObject({
    orderCount: 1,
  });

  const gz = await post(
    '/v1/imports/customers',
    'application/x-ndjson',
    gzipSync('{"id":"c-3","city":"Bled"}\n'),
    ADMIN_KEY,
    'gzip',
  );
  expect(await ended(gz.location!)).toMatchObject({ status: 'completed', rowsOk: 1 });
  expect(await post('/v1/imports/customers', 'text/csv', 'id\n1\n', ADMIN_KEY, 'br')).toMatchObject({ status: 415 });
});

it('ends failed, keeping the rows before it, when the input breaks off', async () => {
  const res = await post('/v1/imports/customers', 'text/csv', 'id\nq-1\n"q-2\nq-3\n');
  expect(res.status).toBe(202);
  const report = await ended(res.location!);
  expect(report).toMatchObject({ status: 'failed', rowsOk: 1, finishedAt: expect.any(String) });
  expect(report.errors.at(-1)).toMatchObject({
    row: 3,
    message: expect.stringMatching(/^import stopped: Quote Not Closed/),
  });
  expect(await database.db.customer.count({ where: { id: { startsWith: 'q-' } } })).toBe(1);
});

it('imports a file:// source in a source directory, plain or gzip, and leaves the file where it is', async () => {
  const csv = join(sourceDir, 'members.csv');
  writeFileSync(
    csv,
    lines('id,tier', 120, (i) => `f-${i},gold`),
  );
  const res = await fromFile('customers', csv);
  expect(res).toMatchObject({ status: 202, body: { source: { type: 'file', url: pathToFileURL(csv).href } } });
  expect(await ended(res.location!)).toMatchObject({ status: 'completed', rowsOk: 120 });
  expect(existsSync(csv)).toBe(true);

  const gz = join(sourceDir, 'more.jsonl.gz');
  writeFileSync(gz, gzipSync(Array.from({ length: 80 }, (_, i) => JSON.stringify({ id: `g-${i}` })).join('\n')));
  const g = await fromFile('customers', gz);
  expect(g.body).toMatchObject({ format: 'ndjson', bytesTotal: null });
  expect(await ended(g.location!)).toMatchObject({ status: 'completed', rowsOk: 80 });
  expect(await database.db.customer.count({ where: { id: { startsWith: 'g-' } } })).toBe(80);
});

it('refuses a url that is not a file:// URL, outside the source directories, missing or not a file, storing nothing', async () => {
  const before = await database.db.import.count();
  writeFileSync(join(sourceDir, 'notes.txt'), 'id\n1\n');
  mkdirSync(join(sourceDir, 'folder.csv'), { recursive: true });
  const outside = join(uploadDir, '..', 'outside.csv');
  writeFileSync(outside, 'id\n1\n');
  const cases: [unknown, string, RegExp][] = [
    [{ url: 'https://example.com/customers.csv' }, '$.url', /must be a file:\/\/ URL, not https:/],
    [{ url: 'not a url' }, '$.url', /must be a file:\/\/ URL/],
    [{ url: pathToFileURL(outside).href }, '$.url', /outside the directories imports may read/],
    [{ url: pathToFileURL(join(sourceDir, '..', 'sources', '..', 'outside.csv')).href }, '$.url', /outside/],
    [{ url: pathToFileURL(join(sourceDir, 'missing.csv')).href }, '$.url', /does not exist/],
    [{ url: pathToFileURL(join(sourceDir, 'folder.csv')).href }, '$.url', /is not a file: .* is a directory/],
    [{ url: pathToFileURL(join(sourceDir, 'notes.txt')).href }, '$.format', /is required/],
    [{}, '$.url', /is required/],
    [{ url: pathToFileURL(join(sourceDir, 'notes.txt')).href, format: 'xml' }, '$.format', /must be one of/],
  ];
  for (const [body, path, message] of cases) {
    const res = await post('/v1/imports/customers', 'application/json', JSON.stringify(body));
    expect({ body, status: res.status, errors: res.body.errors }).toEqual({
      body,
      status: 400,
      errors: [{ path, message: expect.stringMatching(message) }],
    });
  }
  expect(await post('/v1/imports/customers', 'application/json', '{"url": ')).toMatchObject({ status: 400 });
  expect(await database.db.import.count()).toBe(before);
  expect(existsSync(uploadDir) ? readdirSync(uploadDir) : []).toEqual([]);
});

it('refuses other media types, unknown kinds, missing keys and keys without the admin scope', async () => {
  expect(await post('/v1/imports/customers', 'application/xml', '<x/>')).toMatchObject({
    status: 415,
    body: { title: 'Unsupported media type' },
  });
  expect(await post('/v1/imports/orders', 'text/csv', 'id\n1\n')).toMatchObject({
    status: 400,
    body: { errors: [{ path: '$.params.kind' }] },
  });
  expect(await post('/v1/imports/customers', 'text/csv', 'id\n1\n', 'not-a-key')).toMatchObject({ status: 401 });
  const ingest = await services.deps.apiKeys.create({ name: 'ingest only', scopes: ['ingest'] }, 'test');
  expect(await post('/v1/imports/customers', 'text/csv', 'id\n1\n', ingest.key)).toMatchObject({
    status: 403,
    body: { requiredScope: 'admin' },
  });
  expect(await call('GET', '/v1/imports/no-such-import')).toMatchObject({ status: 404 });
  expect(await call('DELETE', '/v1/imports/no-such-import')).toMatchObject({ status: 404 });
});

it('a re-import of the same files changes nothing: no row rewritten, no updated_at moved', async () => {
  const files = {
    customers: join(sourceDir, 'same-customers.csv'),
    products: join(sourceDir, 'same-products.ndjson'),
    purchases: join(sourceDir, 'same-purchases.csv'),
  };
  writeFileSync(
    files.customers,
    lines('id,email,timezone,city,points', 60, (i) => `s-${i},s${i}@example.com,Europe/Ljubljana,Bled,${i}`),
  );
  writeFileSync(
    files.products,
    Array.from({ length: 30 }, (_, i) =>
      JSON.stringify({
        id: `sp-${i}`,
        name: `Scarf ${i}`,
        category: 'scarves',
        stock: i,
        price: 9.5,
        attributes: { colour: 'red' },
      }),
    ).join('\n'),
  );
  writeFileSync(
    files.purchases,
    lines(
      'orderId,customerId,productId,quantity,price,orderedAt',
      90,
      (i) => `so-${i},s-${i % 60},sp-${i % 30},${1 + (i % 3)},9.50,2025-0${1 + (i % 9)}-01T10:00:00Z`,
    ),
  );
  const importAll = async () => {
    const counts: Record<string, number> = {};
    for (const kind of ['customers', 'products', 'purchases'] as const) {
      const res = await fromFile(kind, files[kind]);
      const report = await ended(res.location!);
      expect(report).toMatchObject({ status: 'completed', rowsFailed: 0 });
      counts[kind] = report.rowsOk;
    }
    return counts;
  };
  // Every version of every row (xmin changes with any UPDATE, even to the same values) and its timestamps.
  const snapshot = async () => ({
    customers: await database.db.$queryRaw`
      SELECT id, xmin::text, traits, timezone, updated_at FROM customers WHERE id LIKE 's-%' ORDER BY id`,
    identifiers: await database.db.$queryRaw`
      SELECT kind, value, customer_id, xmin::text FROM customer_identifiers
      WHERE customer_id LIKE 's-%' ORDER BY kind, value`,
    products: await database.db.$queryRaw`SELECT *, xmin::text FROM products WHERE id LIKE 'sp-%' ORDER BY id`,
    orderLines: await database.db
      .$queryRaw`SELECT *, xmin::text FROM order_lines WHERE order_id LIKE 'so-%' ORDER BY order_id`,
    traits: await database.db.$queryRaw`
      SELECT *, xmin::text FROM customer_traits WHERE customer_id LIKE 's-%' ORDER BY customer_id`,
  });
  expect(await importAll()).toEqual({ customers: 60, products: 30, purchases: 90 });
  const first = await snapshot();
  expect(first).toMatchObject({ customers: expect.any(Array), traits: expect.any(Array) });
  expect((first.traits as unknown[]).length).toBe(60);
  expect(await importAll()).toEqual({ customers: 60, products: 30, purchases: 90 });
  expect(await snapshot()).toEqual(first);
});

it('lists imports most recent first, a page at a time', async () => {
  const all = await database.db.import.findMany({
    orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    select: { id: true },
  });
  expect(all.length).toBeGreaterThan(4);
  const first = await call('GET', '/v1/imports?limit=3');
  expect(first.body.imports.map((i: { id: string }) => i.id)).toEqual(all.slice(0, 3).map((i) => i.id));
  expect(first.body.nextBefore).toBe(all[2]!.id);
  const second = await call('GET', `/v1/imports?limit=3&before=${first.body.nextBefore}`);
  expect(second.body.imports.map((i: { id: string }) => i.id)).toEqual(all.slice(3, 6).map((i) => i.id));
  const rest = await call('GET', `/v1/imports?limit=200&before=${first.body.nextBefore}`);
  expect(rest.body).toMatchObject({ nextBefore: null });
  expect(rest.body.imports).toHaveLength(all.length - 3);
  expect(await call('GET', '/v1/imports?limit=0')).toMatchObject({
    status: 400,
    body: { errors: [{ path: '$.query.limit' }] },
  });
});

it('cancels a running import: nothing is written after the answer, its workflow ends cancelled', async () => {
  const rows = Readable.from(
    (function* () {
      yield 'id,city\n';
      for (let i = 0; i < 20_000; i++) yield `x-${i},Kranj\n`;
    })(),
  );
  const res = await post('/v1/imports/customers', 'text/csv', rows);
  await eventually(async () => (await call('GET', res.location!)).body.rowsOk > 0, 60_000, 'a first batch');
  const cancelled = await call('DELETE', res.location!);
  expect(cancelled).toMatchObject({ status: 202, body: { status: 'cancelled', finishedAt: expect.any(String) } });
  expect(cancelled.body.rowsOk).toBeLessThan(20_000);
  const handle = env.client.workflow.getHandle(importWorkflowId(res.body.id));
  await expect(handle.result()).rejects.toThrow();
  expect((await handle.describe()).status.name).toBe('CANCELLED');
  // Every row written is counted, and none was written after the answer.
  expect(await database.db.customer.count({ where: { id: { startsWith: 'x-' } } })).toBe(cancelled.body.rowsOk);
  expect((await call('GET', res.location!)).body).toMatchObject({ status: 'cancelled', rowsOk: cancelled.body.rowsOk });
  expect(await call('DELETE', res.location!)).toMatchObject({ status: 409 });
  await eventually(async () => readdirSync(uploadDir).length === 0, 10_000, 'the upload to be removed');
});
