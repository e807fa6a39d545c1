// GET /v1/customers?email=|loyaltyId=|anonymousId=: find a customer by an identifier they are known
// by, over real HTTP on the API's service graph (no Temporal: the route only reads the database).
import type { Client } from '@temporalio/client';
import { composeApi, type ComposedApi } from '../../src/apps/api';
import { testApiConfig } from '../helpers/config';
import { buildOpenApiDocument } from '../../src/api/openapi';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { expectProblem, listen, type ApiServer } from '../integration/http';

let database: TestDatabase;
let services: ComposedApi;
let api: ApiServer;
let anaId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  services = await composeApi(testApiConfig(), { db: database.db, client: {} as Client, checkResponses: true });
  api = await listen(services.app);
  anaId = await services.deps.identity.identify({
    customer: { email: 'ana@example.com', loyaltyId: 'LOYAL-ANA', anonymousId: 'web-ana' },
    traits: { firstName: 'Ana' },
  });
  await services.deps.identity.identify({ customer: { email: 'bo@example.com' } });
});
afterAll(async () => {
  await api?.close();
  await database?.drop();
});

const lookup = (query: string, auth?: string | null) => api.request('GET', `/v1/customers?${query}`, { auth });

test(
  'finds the customer by email (any case), loyalty card or anonymous id, ' +
    'with the profile GET /v1/customers/:id gives',
  async () => {
    const profile = await api.request('GET', `/v1/customers/${anaId}`);
    expect(profile.status).toBe(200);
    for (const query of [
      'email=ana@example.com',
      'email=Ana%40Example.COM',
      'loyaltyId=LOYAL-ANA',
      'anonymousId=web-ana',
    ]) {
      const res = await lookup(query);
      expect({ query, status: res.status }).toEqual({ query, status: 200 });
      expect(res.body).toEqual(profile.body);
    }
    expect(profile.body).toMatchObject({ id: anaId, traits: { firstName: 'Ana' } });
  },
);

test('an identifier nobody holds is a 404', async () => {
  const res = await lookup('loyaltyId=LOYAL-NOBODY');
  expectProblem(res, 404);
  expect(res.body.detail).toBe('customer with loyaltyId LOYAL-NOBODY does not exist');
});

test('exactly one identifier, well formed: anything else is a 400 naming the query', async () => {
  for (const query of [
    '',
    'email=ana@example.com&loyaltyId=LOYAL-ANA',
    'email=not-an-email',
    'phone=123',
    'email=a@b.c&email=d@e.f',
    'loyaltyId=',
  ]) {
    const res = await lookup(query);
    expectProblem(res, 400);
    expect({ query, paths: res.body.errors.map((e: { path: string }) => e.path.startsWith('$.query')) }).toEqual({
      query,
      paths: res.body.errors.map(() => true),
    });
  }
});

test('needs the read scope', async () => {
  const ingest = await services.deps.apiKeys.create({ name: 'ingest only', scopes: ['ingest'] }, 'test');
  const read = await services.deps.apiKeys.create({ name: 'reader', scopes: ['read'] }, 'test');
  expectProblem(await lookup('email=ana@example.com', null), 401);
  const refused = await lookup('email=ana@example.com', `Bearer ${ingest.key}`);
  expectProblem(refused, 403);
  expect(refused.body.requiredScope).toBe('read');
  expect((await lookup('email=ana@example.com', `Bearer ${read.key}`)).status).toBe(200);
});

test('is in the OpenAPI document with its query parameters', () => {
  const operation = buildOpenApiDocument().paths?.['/v1/customers']?.get;
  expect(operation?.['x-required-scope']).toBe('read');
  expect(operation?.parameters?.map((p) => ('name' in p ? `${p.in}:${p.name}` : '$ref'))).toEqual([
    'query:email',
    'query:loyaltyId',
    'query:anonymousId',
  ]);
  expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '404']));
});
