// The segment routes' counts over real HTTP on the API's service graph and PostgreSQL (no
// Temporal: they only read the database), every answer checked against its route's schema: the
// list gives each segment's members now (its open spells, counted in one grouped statement).
import type { Client } from '@temporalio/client';
import { composeApi, type ComposedApi } from '../../src/apps/api';
import { sqlRows } from '../../src/db/prisma';
import { testApiConfig } from '../helpers/config';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { listen, type ApiServer } from '../integration/http';

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
