// The imports API over real HTTP on the API's real service graph: streamed uploads, the report, and
// the errors a caller can get (media type, kind, scope, a stopped import).
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { Client } from '@temporalio/client';
import { composeApi, type ComposedApi } from '../../src/apps/api';
import { testApiConfig } from '../helpers/config';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

const ADMIN_KEY = 'imports-test-admin-key-0123456789';

let database: TestDatabase;
let services: ComposedApi;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  database = await createTestDatabase();
  // Imports never reach Temporal: a client that is never called is enough.
  const config = testApiConfig({ KAIROS_BOOTSTRAP_KEY: ADMIN_KEY });
  services = await composeApi(config, { db: database.db, client: {} as Client });
  server = services.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await services.deps.imports.recommendationsRefreshed();
  await database.drop();
});

async function upload(
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

const get = async (path: string) => {
  const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  return { status: res.status, body: await res.json() };
};

it('imports a streamed NDJSON upload and a CSV, answering 201 with the report', async () => {
  // Generated lazily, so the request body is a real stream of many chunks.
  const products = Readable.from(
    (function* () {
      for (let i = 0; i < 5000; i++)
        yield `${JSON.stringify({ id: `p-${i}`, name: `Product ${i}`, stock: i % 7, price: 10 + (i % 90) })}\n`;
    })(),
  );
  const p = await upload('/v1/imports/products', 'application/x-ndjson', products);
  expect(p).toMatchObject({
    status: 201,
    body: { kind: 'products', format: 'ndjson', status: 'completed', rowsOk: 5000, rowsFailed: 0, errors: [] },
  });
  expect(p.location).toBe(`/v1/imports/${p.body.id}`);
  expect(await database.db.product.count()).toBe(5000);

  const c = await upload(
    '/v1/imports/customers',
    'text/csv; charset=utf-8',
    'id,email,firstName\nc-1,ana@example.com,Ana\nc-2,bad,Bo\n',
  );
  expect(c).toMatchObject({
    status: 201,
    body: { rowsOk: 1, rowsFailed: 1, errors: [{ row: 3, path: '$.email', message: 'must be an email address' }] },
  });

  const o = await upload(
    '/v1/imports/purchases',
    'text/csv',
    'orderId,customerId,productId,orderedAt\no-1,c-1,p-42,2025-03-01T10:00:00Z\n',
  );
  expect(o.body).toMatchObject({ status: 'completed', rowsOk: 1 });
  expect(await database.db.orderLine.findMany()).toMatchObject([
    { orderId: 'o-1', customerId: 'c-1', productId: 'p-42', quantity: 1 },
  ]);

  expect(await get(c.location!)).toEqual({ status: 200, body: c.body });

  const gz = await upload(
    '/v1/imports/customers',
    'application/x-ndjson',
    gzipSync('{"id":"c-3","city":"Bled"}\n'),
    ADMIN_KEY,
    'gzip',
  );
  expect(gz.body).toMatchObject({ status: 'completed', rowsOk: 1 });
  expect(await upload('/v1/imports/customers', 'text/csv', 'id\n1\n', ADMIN_KEY, 'br')).toMatchObject({ status: 415 });
});

it('answers 422 with the report when the input breaks off, and keeps it for GET', async () => {
  const res = await upload('/v1/imports/customers', 'text/csv', 'id\nq-1\n"q-2\nq-3\n');
  expect(res).toMatchObject({
    status: 422,
    type: expect.stringMatching(/^application\/problem\+json/),
    body: { title: 'Import stopped', import: { status: 'failed', rowsOk: 1 } },
  });
  expect(await get(`/v1/imports/${res.body.import.id}`)).toMatchObject({
    status: 200,
    body: { status: 'failed', finishedAt: expect.any(String) },
  });
});

it('refuses other media types, unknown kinds, missing keys and keys without the admin scope', async () => {
  expect(await upload('/v1/imports/customers', 'application/json', '{"id":"x"}')).toMatchObject({
    status: 415,
    body: { title: 'Unsupported media type' },
  });
  expect(await upload('/v1/imports/orders', 'text/csv', 'id\n1\n')).toMatchObject({
    status: 400,
    body: { errors: [{ path: '$.params.kind' }] },
  });
  expect(await upload('/v1/imports/customers', 'text/csv', 'id\n1\n', 'not-a-key')).toMatchObject({ status: 401 });
  const ingest = await services.deps.apiKeys.create({ name: 'ingest only', scopes: ['ingest'] }, 'test');
  expect(await upload('/v1/imports/customers', 'text/csv', 'id\n1\n', ingest.key)).toMatchObject({
    status: 403,
    body: { requiredScope: 'admin' },
  });
  expect(await get('/v1/imports/no-such-import')).toMatchObject({ status: 404 });
});

it('answers 201 with a failed row, not 500, for a row PostgreSQL could not store (issue 13 §2)', async () => {
  const before = {
    customers: await database.db.customer.count(),
    identifiers: await database.db.customerIdentifier.count(),
  };
  const res = await upload(
    '/v1/imports/customers',
    'text/csv',
    'id,email,city\nn-1,n1@example.com,Bled\nn-2,n2@example.com,Bl\u0000ed\n',
  );
  expect(res).toMatchObject({
    status: 201,
    body: {
      status: 'completed',
      rowsOk: 1,
      rowsFailed: 1,
      errors: [{ row: 3, path: '$.city', message: expect.stringMatching(/NUL/) }],
    },
  });
  expect({
    customers: await database.db.customer.count(),
    identifiers: await database.db.customerIdentifier.count(),
  }).toEqual({ customers: before.customers + 1, identifiers: before.identifiers + 1 });
});
