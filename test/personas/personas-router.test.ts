// GET /v1/segments/:id/persona over real HTTP on the API's service graph (no Temporal: the route
// only reads the database): its answer matches the route's schema, a bad query parameter is a 400
// naming it, and an unknown segment is a 404.
import type { Client } from '@temporalio/client';
import { composeApi, type ComposedApi } from '../../src/apps/api';
import { testApiConfig } from '../helpers/config';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { expectProblem, listen, type ApiServer } from '../integration/http';

let database: TestDatabase;
let services: ComposedApi;
let api: ApiServer;

beforeAll(async () => {
  database = await createTestDatabase();
  services = await composeApi(testApiConfig(), { db: database.db, client: {} as Client, checkResponses: true });
  api = await listen(services.app);
  const db = database.db;
  await db.customer.createMany({ data: [{ id: 'ana' }, { id: 'bo' }, { id: 'cy' }] });
  await db.customerTraits.createMany({
    data: [
      { customerId: 'ana', orderCount: 2, totalSpent: 90, country: 'FR' },
      { customerId: 'bo', orderCount: 1, totalSpent: 10, country: 'DE' },
    ],
  });
  await db.segment.createMany({
    data: [
      { id: 'big-spenders', name: 'Big spenders', draft: {} },
      { id: 'french', name: 'French', draft: {} },
    ],
  });
  const at = new Date(Date.now() - 3 * 86_400_000);
  await db.segmentMembership.createMany({
    data: [
      { segmentId: 'big-spenders', customerId: 'ana', spell: 1, version: 1, enteredAt: at },
      { segmentId: 'french', customerId: 'ana', spell: 1, version: 1, enteredAt: at },
    ],
  });
});
afterAll(async () => {
  await api?.close();
  await database?.drop();
});

test('a persona: its members beside every customer, checked against the route schema', async () => {
  const res = await api.request('GET', '/v1/segments/big-spenders/persona?interval=week');
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({
    segment: { id: 'big-spenders', name: 'Big spenders' },
    customers: 3,
    members: 1,
    value: { lifetimeValue: { mean: { segment: 90, base: 33.33, index: 2.7 } } },
    countries: [{ country: 'FR', members: 1, share: 1, baseShare: 0.3333, index: 3 }],
    overlaps: [{ segmentId: 'french', both: 1, shareOfThis: 1, shareOfOther: 1, baseShare: 0.3333, index: 3 }],
  });
  expect(res.body.sizeOverTime.points).toHaveLength(12);
  expect(res.body.sizeOverTime.points.at(-1).members).toBe(1);
});

test('an unknown segment is a 404', async () => {
  const res = await api.request('GET', '/v1/segments/nobody/persona');
  expectProblem(res, 404);
  expect(res.body.detail).toBe('segment nobody does not exist');
});

test('a bad query parameter is a 400 naming it, before anything is read', async () => {
  for (const [query, path] of [
    ['interval=month', '$.query.interval'],
    ['from=2026-01-01', '$.query.to'],
    ['to=2026-01-01', '$.query.from'],
    ['from=2026-02-01&to=2026-01-01', '$.query.to'],
    ['from=2025-01-01&to=2026-01-02', '$.query.to'],
    ['from=2026-13-01&to=2026-12-01', '$.query.from'],
    ['colour=red', '$.query'],
  ] as const) {
    const res = await api.request('GET', `/v1/segments/nobody/persona?${query}`);
    expectProblem(res, 400);
    expect({ query, paths: res.body.errors.map((e: { path: string }) => e.path) }).toEqual({ query, paths: [path] });
  }
});
