// The codec server (POST /v1/codec/decode and /encode) over real HTTP on the API's service graph:
// what the workers' codec encrypts it shows in clear, to admin keys only, and to a browser only on
// the one origin KAIROS_CODEC_CORS_ORIGIN names. No Temporal: the routes only run the codec.
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { composeApi, type ComposedApi } from '../../src/apps/api';
import { createPayloadCodec } from '../../src/temporal/payload-codec';
import { testApiConfig, TEST_ADMIN_KEY } from '../helpers/config';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { expectProblem, listen, type ApiServer } from '../integration/http';

const UI_ORIGIN = 'https://temporal-ui.example.com';
let database: TestDatabase;
let services: ComposedApi;
let api: ApiServer;
const keys: Record<string, string> = {};
/** The workers' codec: the same KAIROS_PAYLOAD_KEYS as the API's settings. */
const workerCodec = createPayloadCodec(testApiConfig().temporal.payloadKeys);

beforeAll(async () => {
  database = await createTestDatabase();
  services = await composeApi(testApiConfig({ KAIROS_CODEC_CORS_ORIGIN: UI_ORIGIN }), {
    db: database.db,
    client: {} as Client,
    checkResponses: true,
  });
  api = await listen(services.app);
  for (const scope of ['read', 'ingest']) {
    const res = await api.request('POST', '/v1/api-keys', { json: { name: scope, scopes: [scope] } });
    keys[scope] = res.body.key;
  }
});
afterAll(async () => {
  await api?.close();
  await services?.close();
  await database?.drop();
});

const toWire = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});
const fromWire = (p: { metadata: Record<string, string>; data: string }): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data, 'base64'),
});
const traits = { email: 'ada@example.com', traits: { tier: 'gold' } };

/** A request as the Temporal Web UI's browser makes it: its origin, and the key in Authorization. */
const fromBrowser = (method: string, path: string, origin: string, init: { key?: string; body?: unknown } = {}) =>
  fetch(`${api.url}${path}`, {
    method,
    headers: {
      origin,
      ...(init.key ? { authorization: `Bearer ${init.key}` } : {}),
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...(method === 'OPTIONS'
        ? { 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' }
        : {}),
    },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });

test('decode shows what the workers encrypted; plain payloads come back unchanged', async () => {
  const [encrypted] = await workerCodec.encode([defaultPayloadConverter.toPayload(traits)]);
  const plain = defaultPayloadConverter.toPayload('not encrypted');
  const res = await api.request('POST', '/v1/codec/decode', {
    json: { payloads: [toWire(encrypted!), toWire(plain)] },
  });
  expect(res.status).toBe(200);
  expect(res.body.payloads.map(fromWire).map((p: Payload) => defaultPayloadConverter.fromPayload(p))).toEqual([
    traits,
    'not encrypted',
  ]);
});

test('encode encrypts with the current key, and the workers read it', async () => {
  const res = await api.request('POST', '/v1/codec/encode', {
    json: { payloads: [toWire(defaultPayloadConverter.toPayload(traits))] },
  });
  expect(res.status).toBe(200);
  const [wire] = res.body.payloads;
  expect(Buffer.from(wire.metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
  expect(Buffer.from(wire.data, 'base64').toString()).not.toContain('ada@example.com');
  const [decoded] = await workerCodec.decode([fromWire(wire)]);
  expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(traits);
});

test('a payload of an unknown key is a 422 naming the payload and the key', async () => {
  const [stranger] = await createPayloadCodec([{ id: 'other-9', key: Buffer.alloc(32, 9) }]).encode([
    defaultPayloadConverter.toPayload(traits),
  ]);
  const plain = toWire(defaultPayloadConverter.toPayload(1));
  const res = await api.request('POST', '/v1/codec/decode', { json: { payloads: [plain, toWire(stranger!)] } });
  expectProblem(res, 422);
  expect(res.body.errors).toEqual([{ path: '$.payloads[1]', message: expect.stringContaining('key "other-9"') }]);
});

describe('only admin keys: the codec reads every customer’s data', () => {
  const body = { payloads: [] };
  test.each(['/v1/codec/decode', '/v1/codec/encode'])(
    '%s: 401 without a key, 403 for read and ingest',
    async (path) => {
      expectProblem(await api.request('POST', path, { json: body, auth: null }), 401);
      for (const scope of ['read', 'ingest']) {
        const res = await api.request('POST', path, { json: body, auth: `Bearer ${keys[scope]}` });
        expectProblem(res, 403);
        expect(res.body.requiredScope).toBe('admin');
      }
      expect((await api.request('POST', path, { json: body })).status).toBe(200);
    },
  );
});

describe('bad bodies: 400 naming the field', () => {
  test.each([
    ['no payloads', {}, '$.payloads'],
    ['data not base64', { payloads: [{ data: 'not base64!' }] }, '$.payloads[0].data'],
    [
      'metadata not base64',
      { payloads: [{ metadata: { encoding: '***' }, data: '' }] },
      '$.payloads[0].metadata.encoding',
    ],
    ['payloads not a list', { payloads: 'all' }, '$.payloads'],
  ])('%s', async (_what, json, path) => {
    const res = await api.request('POST', '/v1/codec/decode', { json });
    expectProblem(res, 400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});

describe('CORS: the configured UI origin only', () => {
  test('the preflight from the UI origin is answered with its origin, POST and the Authorization header', async () => {
    const res = await fromBrowser('OPTIONS', '/v1/codec/decode', UI_ORIGIN);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(res.headers.get('access-control-allow-methods')).toBe('POST');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
  });

  test('a preflight from another origin gets no CORS headers, so the browser refuses', async () => {
    const res = await fromBrowser('OPTIONS', '/v1/codec/decode', 'https://evil.example.com');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-headers')).toBeNull();
  });

  test('the UI origin may read the answer, errors included; another origin may not', async () => {
    const ok = await fromBrowser('POST', '/v1/codec/decode', UI_ORIGIN, {
      key: TEST_ADMIN_KEY,
      body: { payloads: [] },
    });
    expect([ok.status, ok.headers.get('access-control-allow-origin')]).toEqual([200, UI_ORIGIN]);
    const refused = await fromBrowser('POST', '/v1/codec/decode', UI_ORIGIN, { body: { payloads: [] } });
    expect([refused.status, refused.headers.get('access-control-allow-origin')]).toEqual([401, UI_ORIGIN]);
    const other = await fromBrowser('POST', '/v1/codec/decode', 'https://evil.example.com', {
      key: TEST_ADMIN_KEY,
      body: { payloads: [] },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('other routes get no CORS headers, even from the UI origin', async () => {
    const res = await fromBrowser('GET', '/v1/whoami', UI_ORIGIN, { key: TEST_ADMIN_KEY });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

test('without KAIROS_PAYLOAD_KEYS the codec routes answer 503, and no origin gets CORS by default', async () => {
  const keyless = await composeApi(testApiConfig({ KAIROS_PAYLOAD_KEYS: undefined }), {
    db: database.db,
    client: {} as Client,
    checkResponses: true,
  });
  const server = await listen(keyless.app);
  try {
    const res = await server.request('POST', '/v1/codec/decode', { json: { payloads: [] } });
    expectProblem(res, 503);
    expect(res.body.detail).toContain('KAIROS_PAYLOAD_KEYS');
    const preflight = await fetch(`${server.url}/v1/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: UI_ORIGIN },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  } finally {
    await server.close();
    await keyless.close();
  }
});
