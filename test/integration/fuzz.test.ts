// Malformed input never breaks the API: 10,000 generated bad payloads to the ingest routes answer 4xx
// problem+json (never 5xx) with no stack trace, nothing is stored, and the server still answers.
import fc from 'fast-check';
import { createApiServices } from '../../src/api/api-services';
import { identifySchema } from '../../src/customers/customer-schema';
import { eventBatchSchema, eventInputSchema } from '../../src/ingestion/event-schema';
import { TEST_TASK_QUEUE, testLogger } from '../helpers/worker';
import { startWorld, TEST_ADMIN_KEY, type World } from '../helpers/world';
import { listen, type ApiServer, type HttpResponse } from './http';

const PAYLOADS = 10_000;
/** Payloads in flight at once: the server sees concurrent bad requests, and the run is quicker. */
const CONCURRENCY = 10;

let world: World;
let api: ApiServer;
// The bootstrap key: a stored key costs a database lookup per request, and auth is not under test here.
const auth = `Bearer ${TEST_ADMIN_KEY}`;

beforeAll(async () => {
  world = await startWorld('dev-server');
  // Its own app: the fuzz is about validation, not the per-key rate limit.
  const services = createApiServices({ db: world.database.db, client: world.env.client, taskQueue: TEST_TASK_QUEUE, logger: testLogger, bootstrapKey: TEST_ADMIN_KEY, rateLimitPerMinute: 1e9 });
  api = await listen(services.app);
});
afterAll(async () => {
  await api?.close();
  await world?.stop();
});

/** Stack frames and source paths; user input echoed in a validation message cannot look like these. */
const LEAKS = /\n\s+at |\bat [^\s()]+ \([^)]*:\d+:\d+\)|\/work\/|node_modules|\.[jt]s:\d+:\d+/;

// Keys that probe prototype handling, and keys the schemas know, next to arbitrary ones.
const key = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'type', 'customer', 'id', 'email', 'events'), fc.string({ maxLength: 12 }));
const json = fc.jsonValue({ maxDepth: 3 });
const anything = fc.oneof(json, fc.constantFrom('', ' ', '\u0000', 'x'.repeat(300), '2026-13-45T99:00:00Z', 'not-an-email', 'Mars/Olympus_Mons', -0, 1e308));

const customer = fc.oneof(
  fc.record({ id: anything, email: fc.oneof(fc.emailAddress(), anything), loyaltyId: anything, anonymousId: anything }, { requiredKeys: [] }),
  fc.dictionary(key, anything, { maxKeys: 4 }),
  anything,
);
const eventLike = fc.record(
  {
    eventId: anything,
    type: fc.oneof(fc.constantFrom('purchase', 'page_view'), anything),
    timestamp: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), anything),
    customer,
    properties: fc.oneof(fc.dictionary(key, json, { maxKeys: 4 }), anything),
  },
  { requiredKeys: [] },
);
const withExtras = <T extends object>(base: fc.Arbitrary<T>) =>
  fc.tuple(base, fc.dictionary(key, anything, { maxKeys: 2 })).map(([b, extra]) => Object.assign(Object.create(null), b, extra));

/** A body as sent on the wire: broken JSON text, or JSON of any shape. */
const rawBodies = fc.oneof(
  fc.string({ maxLength: 40 }).filter((s) => !parses(s)),
  json.map((v) => JSON.stringify(v).slice(0, -1)).filter((s) => !parses(s)),
  fc.constantFrom('{"type": "signup", "customer": {"email": ', '\u{1F600}', '{"a":1}}', '[', 'null', 'true', '"string"', '{"__proto__": {"polluted": true}}'),
);
const body = (objects: fc.Arbitrary<unknown>) => fc.oneof({ arbitrary: objects.map((v) => JSON.stringify(v)), weight: 4 }, { arbitrary: rawBodies, weight: 1 });

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const invalid = (schema: { safeParse(v: unknown): { success: boolean } }) => (text: string) => !parses(text) || !schema.safeParse(JSON.parse(text)).success;

const malformedEvent = body(fc.oneof(withExtras(eventLike), anything)).filter(invalid(eventInputSchema));
const malformedIdentify = body(
  fc.oneof(withExtras(fc.record({ customer, traits: fc.oneof(fc.dictionary(key, json, { maxKeys: 4 }), anything), timezone: anything }, { requiredKeys: [] })), anything),
).filter(invalid(identifySchema));
/** A batch whose envelope is wrong, or whose every item is: nothing in it may be ingested. */
const malformedBatch = body(
  fc.oneof(
    withExtras(fc.record({ events: fc.oneof(fc.array(withExtras(eventLike), { maxLength: 6 }), anything) }, { requiredKeys: [] })),
    fc.constant({ events: Array.from({ length: 1001 }, () => ({})) }),
    anything,
  ),
).filter((text) => invalid(eventBatchSchema)(text) || (JSON.parse(text) as { events: unknown[] }).events.every((e) => !eventInputSchema.safeParse(e).success));

function expectRefused(res: HttpResponse, route: string): void {
  const where = `${route} answered ${res.status} ${res.text.slice(0, 300)}`;
  if (res.status < 400 || res.status >= 500) throw new Error(`expected a 4xx: ${where}`);
  if (LEAKS.test(res.text)) throw new Error(`stack trace or path leaked: ${where}`);
  // A well-formed batch whose every item failed is a 400 with a result per item, not a problem.
  const perItem = route === '/v1/events/batch' && res.contentType.startsWith('application/json') && Array.isArray(res.body?.results);
  if (!perItem && !res.contentType.startsWith('application/problem+json')) throw new Error(`not problem+json: ${where}`);
  if (!perItem && (res.body?.status !== res.status || typeof res.body?.title !== 'string')) throw new Error(`not a problem document: ${where}`);
}

const routes = [
  { route: '/v1/events', payloads: malformedEvent },
  { route: '/v1/events/batch', payloads: malformedBatch },
  { route: '/v1/customers/identify', payloads: malformedIdentify },
];

test(`${PAYLOADS.toLocaleString('en')} malformed payloads to the ingest routes: each a 4xx problem+json, never a 5xx or a stack trace`, async () => {
  const sent = new Map<string, number>();
  const send = async ({ route, raw }: { route: string; raw: string }) => {
    sent.set(route, (sent.get(route) ?? 0) + 1);
    expectRefused(await api.request('POST', route, { raw, auth }), route);
  };
  const payload = fc.oneof(...routes.map(({ route, payloads }) => payloads.map((raw) => ({ route, raw }))));
  await fc.assert(
    fc.asyncProperty(fc.array(payload, { minLength: CONCURRENCY, maxLength: CONCURRENCY }), async (batch) => void (await Promise.all(batch.map(send)))),
    { numRuns: PAYLOADS / CONCURRENCY },
  );
  for (const { route } of routes) expect(sent.get(route)).toBeGreaterThan(PAYLOADS / 4);
}, 600_000);

describe('after the fuzz', () => {
  test('nothing was stored, and the server still answers and ingests', async () => {
    expect(await world.database.db.event.count()).toBe(0);
    expect((await api.request('GET', '/healthz', { auth: null })).status).toBe(200);
    const res = await api.request('POST', '/v1/events', { json: { type: 'signup', customer: { email: 'after-fuzz@example.com' } }, auth });
    expect(res.status).toBe(202);
  });
});
