// The segment routes that read spells, over real HTTP on the API's service graph and PostgreSQL
// (no Temporal: they only read the database), every answer checked against its route's schema:
// the list gives each segment's members now (its open spells, counted in one grouped statement),
// and GET /v1/customers/:id/segments a customer's spells, current first.
import type { Client } from '@temporalio/client';
import { composeApi, type ComposedApi } from '../../src/apps/api';
import { buildOpenApiDocument } from '../../src/api/openapi';
import { sqlRows } from '../../src/db/prisma';
import { testApiConfig } from '../helpers/config';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { expectProblem, listen, type ApiServer } from '../integration/http';

let database: TestDatabase;
let services: ComposedApi;
let api: ApiServer;
const customers: Record<string, string> = {};

beforeAll(async () => {
  database = await createTestDatabase();
  services = await composeApi(testApiConfig(), { db: database.db, client: {} as Client, checkResponses: true });
  api = await listen(services.app);
  for (const name of ['ana', 'bo', 'cy'])
    customers[name] = await services.deps.identity.identify({ customer: { email: `${name}@example.com` } });
  for (const id of ['buyers', 'lapsed', 'empty']) {
    const definition = { name: id, condition: { field: 'profile.tags', op: 'contains', value: id } };
    expect((await api.request('POST', '/v1/segments', { json: { id, definition } })).status).toBe(201);
    expect((await api.request('POST', `/v1/segments/${id}/versions`)).status).toBe(201);
  }
  // Spells as evaluations leave them: ana in buyers, left and back (spell 2); bo in buyers; cy
  // left buyers; ana in lapsed since before, then left it.
  await spell('buyers', 'ana', 1, '2026-01-01', '2026-02-01');
  await spell('buyers', 'ana', 2, '2026-03-01', null);
  await spell('buyers', 'bo', 1, '2026-03-05', null);
  await spell('buyers', 'cy', 1, '2026-01-10', '2026-01-20');
  await spell('lapsed', 'ana', 1, '2025-12-01', null);
});
afterAll(async () => {
  await api?.close();
  await database?.drop();
});

async function spell(segment: string, customer: string, n: number, entered: string, left: string | null) {
  await sqlRows(
    database.db,
    `INSERT INTO segment_memberships (segment_id, customer_id, spell, version, entered_at, left_at)
     VALUES ($1, $2, $3, 1, $4::timestamp, $5::timestamp)`,
    [segment, customers[customer], n, entered, left],
  );
}

test('the list gives each segment its members now: open spells only, zero when none', async () => {
  const res = await api.request('GET', '/v1/segments');
  expect(res.status).toBe(200);
  const members = Object.fromEntries((res.body as { id: string; members: number }[]).map((s) => [s.id, s.members]));
  expect(members).toEqual({ buyers: 2, empty: 0, lapsed: 1 });
  // The same figure as each segment's detail.
  for (const [id, n] of Object.entries(members))
    expect((await api.request('GET', `/v1/segments/${id}`)).body.members).toBe(n);
});

test("a customer's spells: current first, then the latest entered, closed ones with when they left", async () => {
  const res = await api.request('GET', `/v1/customers/${customers.ana}/segments`);
  expect(res.status).toBe(200);
  expect(res.body).toEqual([
    {
      segmentId: 'buyers',
      spell: 2,
      version: 1,
      enteredAt: '2026-03-01T00:00:00.000Z',
      leftAt: null,
      current: true,
    },
    {
      segmentId: 'lapsed',
      spell: 1,
      version: 1,
      enteredAt: '2025-12-01T00:00:00.000Z',
      leftAt: null,
      current: true,
    },
    {
      segmentId: 'buyers',
      spell: 1,
      version: 1,
      enteredAt: '2026-01-01T00:00:00.000Z',
      leftAt: '2026-02-01T00:00:00.000Z',
      current: false,
    },
  ]);
  const cy = await api.request('GET', `/v1/customers/${customers.cy}/segments`);
  expect(cy.body).toEqual([expect.objectContaining({ segmentId: 'buyers', spell: 1, current: false })]);
});

test('a customer in no segment has no spells; an unknown one is a 404 as on the other customer routes', async () => {
  const dee = await services.deps.identity.identify({ customer: { email: 'dee@example.com' } });
  const none = await api.request('GET', `/v1/customers/${dee}/segments`);
  expect(none.status).toBe(200);
  expect(none.body).toEqual([]);
  const unknown = await api.request('GET', '/v1/customers/nobody/segments');
  expectProblem(unknown, 404);
  expect(unknown.body.detail).toBe((await api.request('GET', '/v1/customers/nobody/journey')).body.detail);
});

test("a customer's spells are in the OpenAPI document, read scope", () => {
  const operation = buildOpenApiDocument().paths?.['/v1/customers/{id}/segments']?.get;
  expect(operation?.['x-required-scope']).toBe('read');
  expect(operation?.tags).toEqual(['Customers']);
  expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['200', '404']));
});
