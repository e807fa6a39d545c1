// The audience routes over HTTP: a bad parameter or combination is a 400 naming the parameter,
// before any query runs; good ones answer as their entries declare (checked against the schemas).
import express from 'express';
import pino from 'pino';
import { audienceHandlers } from '../../src/api/audience-router';
import { authenticate } from '../../src/api/auth';
import { problemHandler } from '../../src/api/errors';
import { bind, mountRoutes } from '../../src/api/mount-routes';
import { ROUTES } from '../../src/contracts/routes';
import { expectProblem, listen, type ApiServer } from '../integration/http';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let database: TestDatabase;
let api: ApiServer;
beforeAll(async () => {
  database = await createTestDatabase();
  const app = express();
  app.set('query parser', 'simple');
  const principal = { keyId: 'key-1', scopes: ['read' as const] };
  mountRoutes(app, bind(ROUTES.audience, audienceHandlers({ db: database.db })), {
    authenticate: [authenticate({ verify: async () => ({ ok: true, principal }) })],
    checkResponses: true,
  });
  app.use(problemHandler(pino({ level: 'silent' })));
  api = await listen(app);
});
afterAll(async () => {
  await api?.close();
  await database?.drop();
});

const badParameter = async (path: string, parameter: string) => {
  const res = await api.request('GET', path);
  expectProblem(res, 400);
  expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(`$.query.${parameter}`);
};

const P = 'from=2026-11-01&to=2026-11-30';

test.each([
  ['/v1/audience/trends?from=2026-12-01&to=2026-11-01', 'to'],
  ['/v1/audience/trends?from=2025-01-01&to=2026-11-01', 'to'],
  ['/v1/audience/trends?from=2026-11-31&to=2026-12-01', 'from'],
  [`/v1/audience/trends?${P}&interval=month`, 'interval'],
  [`/v1/audience/trends?${P}&colour=red`, ''],
  ['/v1/audience/race?from=2026-11-01', 'to'],
  ['/v1/audience/geography?from=yesterday&to=2026-11-30', 'from'],
  ['/v1/audience/cohorts?from=2026-13&to=2027-01', 'from'],
  ['/v1/audience/cohorts?from=2023-12&to=2026-12', 'to'],
  ['/v1/audience/cohorts?from=2026-06&to=2026-01', 'to'],
  ['/v1/audience/cohorts?from=2026-01&to=2026-06&basis=last_seen', 'basis'],
  [`/v1/audience/funnel?${P}&steps=page_view`, 'steps'],
  [`/v1/audience/funnel?${P}&steps=a,b,c,d,e,f,g,h,i`, 'steps'],
  [`/v1/audience/funnel?${P}&steps=a,,b`, 'steps[1]'],
  [`/v1/audience/funnel?${P}&steps=a,b&window=91d`, 'window'],
  [`/v1/audience/funnel?${P}&steps=a,b&window=7w`, 'window'],
  [`/v1/audience/funnel?${P}&steps=a,b&split=country`, 'split'],
  [`/v1/audience/funnel?${P}&steps=a,b&split=version`, 'program'],
  [`/v1/audience/funnel?${P}&steps=a,b&split=variant`, 'program'],
  [`/v1/audience/funnel?${P}&steps=a,b&split=segment&program=p`, 'program'],
])('%s is a 400 naming %s', async (path, parameter) => {
  if (parameter) await badParameter(path, parameter);
  else expectProblem(await api.request('GET', path), 400);
});

test.each([
  `/v1/audience/funnel?${P}&steps=page_view,purchase&window=36h&split=program`,
  `/v1/audience/funnel?${P}&steps=page_view,purchase&split=version&program=p-a`,
  `/v1/audience/funnel?${P}&steps=page_view,purchase&split=segment`,
  '/v1/audience/cohorts?from=2026-01&to=2026-12',
  '/v1/audience/cohorts?from=2026-01&to=2026-12&basis=first_seen',
  `/v1/audience/trends?${P}&interval=week`,
  `/v1/audience/geography?${P}`,
  `/v1/audience/race?${P}`,
])('%s answers as its entry declares', async (path) => {
  const res = await api.request('GET', path);
  expect(res.status).toBe(200);
});

test('a funnel with no split answers one funnel of zeros on an empty audience', async () => {
  const res = await api.request('GET', `/v1/audience/funnel?${P}&steps=page_view,purchase`);
  expect(res.body.groups).toEqual([
    {
      key: null,
      steps: [
        { type: 'page_view', customers: 0, conversion: 0, stepConversion: 0, dropOff: 0 },
        { type: 'purchase', customers: 0, conversion: 0, stepConversion: 0, dropOff: 0 },
      ],
    },
  ]);
});
