// mountRoutes serves a table entry: scope first, then params, query and body parsed (400 naming the
// field, the handler never called), then the handler's answer; with checkResponses (test apps) an
// answer or a problem its entry does not declare is a 500, not a silent drift from the contract.
import express from 'express';
import pino from 'pino';
import { z } from 'zod';
import { authenticate } from '../../src/api/auth';
import { problemHandler } from '../../src/api/errors';
import { bind, mountRoutes, type Handlers } from '../../src/api/mount-routes';
import { route } from '../../src/contracts/route';
import { ConflictError } from '../../src/core/errors';
import { instant } from '../../src/contracts/response-parts';
import { expectProblem, listen, type ApiServer } from '../integration/http';

const thing = z.strictObject({ id: z.string(), count: z.int(), at: instant });
const things = {
  put: route({
    method: 'put',
    path: '/v1/things/:id',
    scope: 'read',
    tag: 'Things',
    summary: 'Put a thing',
    query: z.strictObject({ dry: z.enum(['yes', 'no']).optional() }),
    body: z.strictObject({ count: z.int() }),
    responses: { 200: { description: 'OK', schema: thing } },
  }),
  drift: route({
    method: 'post',
    path: '/v1/drift',
    scope: 'admin',
    tag: 'Things',
    summary: 'Answers a field its schema does not name',
    responses: { 200: { description: 'OK', schema: thing } },
  }),
  both: route({
    method: 'get',
    path: '/both',
    scope: 'public',
    tag: 'Things',
    summary: 'Two answers',
    responses: { 200: { description: 'OK', schema: thing }, 204: { description: 'Nothing' } },
  }),
};

const calls: unknown[] = [];
const thingHandlers: Handlers<typeof things> = {
  put: ({ params, query, body, principal }) => {
    calls.push({ params, query, body, keyId: principal.keyId });
    if (body.count < 0) throw new ConflictError('a negative count');
    return { id: params.id, count: body.count, at: new Date(0) };
  },
  // A handler cannot return what its entry does not declare; only a cast gets drift this far.
  drift: () => ({ id: 'x', count: 1, at: new Date(0), secret: 'leaked' }) as z.output<typeof thing>,
  both: () => ({ status: 204, body: undefined }),
};
const handlers = bind(things, thingHandlers);

const _wrongDate: Handlers<Pick<typeof things, 'put'>> = {
  // @ts-expect-error: the body must be the schema's output (a Date where the wire has an ISO string).
  put: ({ params, body }) => ({ id: params.id, count: body.count, at: 'now' }),
};

async function serve(checkResponses: boolean): Promise<ApiServer> {
  const app = express();
  const principal = { keyId: 'key-1', scopes: ['read' as const] };
  mountRoutes(app, handlers, {
    authenticate: [authenticate({ verify: async () => ({ ok: true, principal }) })],
    checkResponses,
  });
  app.use(problemHandler(pino({ level: 'silent' })));
  return listen(app);
}

let checked: ApiServer;
let unchecked: ApiServer;
beforeAll(async () => {
  [checked, unchecked] = await Promise.all([serve(true), serve(false)]);
});
afterAll(async () => {
  await Promise.all([checked?.close(), unchecked?.close()]);
});
beforeEach(() => {
  calls.length = 0;
});

test('the handler gets the parsed params, query, body and the caller; its Date goes out as ISO text', async () => {
  const res = await checked.request('PUT', '/v1/things/a1?dry=yes', { json: { count: 3 } });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ id: 'a1', count: 3, at: '1970-01-01T00:00:00.000Z' });
  expect(calls).toEqual([{ params: { id: 'a1' }, query: { dry: 'yes' }, body: { count: 3 }, keyId: 'key-1' }]);
});

test('bad input is a 400 naming the field, and the handler is never called', async () => {
  const body = await checked.request('PUT', '/v1/things/a1', { json: { count: 'three' } });
  expectProblem(body, 400);
  expect(body.body.errors.map((e: { path: string }) => e.path)).toEqual(['$.count']);
  const query = await checked.request('PUT', '/v1/things/a1?dry=maybe', { json: { count: 3 } });
  expectProblem(query, 400);
  expect(query.body.errors.map((e: { path: string }) => e.path)).toEqual(['$.query.dry']);
  expect(calls).toEqual([]);
});

test('a key without the scope is refused with the scope named, before the body is read', async () => {
  const res = await checked.request('POST', '/v1/drift', { raw: '{not json' });
  expectProblem(res, 403);
  expect(res.body.requiredScope).toBe('admin');
});

test('with checkResponses an answer off its schema is a 500; without, it goes out as it is', async () => {
  // The checked server refuses before the scope check could: give it a key that may call the route.
  const app = express();
  const principal = { keyId: 'admin', scopes: ['admin' as const] };
  mountRoutes(app, handlers, {
    authenticate: [authenticate({ verify: async () => ({ ok: true, principal }) })],
    checkResponses: true,
  });
  const logged: unknown[] = [];
  app.use(problemHandler(pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line)) })));
  const admin = await listen(app);
  try {
    expectProblem(await admin.request('POST', '/v1/drift'), 500);
    expect(JSON.stringify(logged)).toContain('POST /v1/drift answered 200 with a body that does not match its schema');
  } finally {
    await admin.close();
  }
  const open = await serve(false);
  try {
    expect((await open.request('GET', '/both', { auth: null })).status).toBe(204);
  } finally {
    await open.close();
  }
});

test('with checkResponses a problem its route does not declare is a 500; without, it goes out', async () => {
  const put = (api: ApiServer) => api.request('PUT', '/v1/things/a1', { json: { count: -1 } });
  expectProblem(await checked.request('PUT', '/v1/things/a1', { json: {} }), 400);
  expectProblem(await put(checked), 500);
  expectProblem(await put(unchecked), 409);
});
