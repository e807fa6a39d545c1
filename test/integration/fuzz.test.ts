// Malformed input never breaks the API: 10,000 generated bad payloads to the ingest routes answer 4xx
// problem+json (never 5xx) with no stack trace, no row is written, and the server still answers.
// Among them: NUL characters, unpaired surrogates, JSON nested past the limit, and bytes that are
// not UTF-8 in otherwise valid requests (issue 13, section 2).
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { composeApi, type ComposedApi } from '../../src/apps/api';
import { testApiConfig } from '../helpers/config';
import { identifySchema } from '../../src/contracts/requests/customer-schema';
import { eventBatchSchema, eventInputSchema } from '../../src/contracts/requests/event-schema';
import { startWorld, TEST_ADMIN_KEY, type World } from '../helpers/world';
import { listen, type ApiServer, type HttpResponse } from './http';

const PAYLOADS = 10_000;
/** Payloads in flight at once: the server sees concurrent bad requests, and the run is quicker. */
const CONCURRENCY = 10;

let world: World;
let api: ApiServer;
// The bootstrap key: a stored key costs a database lookup per request, and auth is not under test here.
const auth = `Bearer ${TEST_ADMIN_KEY}`;

let services: ComposedApi | undefined;

beforeAll(async () => {
  world = await startWorld('dev-server');
  // Its own app: the fuzz is about validation, not the per-key rate limit.
  services = await composeApi(testApiConfig({ KAIROS_RATE_LIMIT_PER_MINUTE: '1000000000' }), {
    db: world.database.db,
    client: world.env.client,
  });
  api = await listen(services.app);
});
afterAll(async () => {
  await api?.close();
  await services?.close();
  await world?.stop();
});

/** Stack frames and source paths; user input echoed in a validation message cannot look like these. */
const LEAKS = /\n\s+at |\bat [^\s()]+ \([^)]*:\d+:\d+\)|\/work\/|node_modules|\.[jt]s:\d+:\d+/;

/** Text PostgreSQL cannot take as sent: NUL anywhere, or half of a surrogate pair. */
const unstorable = fc
  .tuple(
    fc.string({ maxLength: 6 }),
    fc.oneof(
      fc.constant('\u0000'),
      fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
    ),
    fc.string({ maxLength: 6 }),
  )
  .map(([a, bad, b]) => a + bad + b);
// Keys that probe prototype handling, and keys the schemas know, next to arbitrary ones.
const key = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'type', 'customer', 'id', 'email', 'events'),
  fc.string({ maxLength: 12 }),
  unstorable,
);
/** JSON nested past the 32-level limit, up to where zod's recursion used to overflow the stack. */
const deep = fc
  .tuple(fc.integer({ min: 33, max: 1_000 }), fc.oneof(fc.jsonValue({ maxDepth: 1 }), unstorable))
  .map(([depth, leaf]) => {
    let value: unknown = leaf;
    for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { n: value };
    return value;
  });
const json = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 4 },
  { arbitrary: fc.dictionary(key, unstorable, { minKeys: 1, maxKeys: 3 }), weight: 1 },
  { arbitrary: deep, weight: 1 },
);
const anything = fc.oneof(
  json,
  unstorable,
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'x'.repeat(300),
    '2026-13-45T99:00:00Z',
    '9999-12-31T23:59:59Z',
    '0001-01-01T00:00:00Z',
    'not-an-email',
    'Mars/Olympus_Mons',
    -0,
    1e308,
  ),
);

const customer = fc.oneof(
  fc.record(
    { id: anything, email: fc.oneof(fc.emailAddress(), anything), loyaltyId: anything, anonymousId: anything },
    { requiredKeys: [] },
  ),
  fc.dictionary(key, anything, { maxKeys: 4 }),
  anything,
);
const eventLike = fc.record(
  {
    eventId: anything,
    type: fc.oneof(fc.constantFrom('purchase', 'page_view'), anything),
    timestamp: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      anything,
    ),
    customer,
    properties: fc.oneof(fc.dictionary(key, json, { maxKeys: 4 }), anything),
  },
  { requiredKeys: [] },
);
const withExtras = <T extends object>(base: fc.Arbitrary<T>) =>
  fc
    .tuple(base, fc.dictionary(key, anything, { maxKeys: 2 }))
    .map(([b, extra]) => Object.assign(Object.create(null), b, extra));

/** A body as sent on the wire: broken JSON text, or JSON of any shape. */
const rawBodies = fc.oneof(
  fc.string({ maxLength: 40 }).filter((s) => !parses(s)),
  json.map((v) => JSON.stringify(v).slice(0, -1)).filter((s) => !parses(s)),
  fc.constantFrom(
    '{"type": "signup", "customer": {"email": ',
    '\u{1F600}',
    '{"a":1}}',
    '[',
    'null',
    'true',
    '"string"',
    '{"__proto__": {"polluted": true}}',
  ),
);
const body = (objects: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: objects.map((v) => JSON.stringify(v)), weight: 4 }, { arbitrary: rawBodies, weight: 1 });

/** A request that would be accepted, but for bytes that are not UTF-8 inside one of its strings. */
const notUtf8 = (valid: fc.Arbitrary<unknown>) =>
  fc
    .tuple(
      valid,
      fc.uint8Array({ minLength: 1, maxLength: 4 }).filter((b) => !isUtf8(b)),
    )
    .map(([value, bad]) => {
      const [head, tail] = JSON.stringify(value).split('BAD') as [string, string];
      return Buffer.concat([Buffer.from(head), bad, Buffer.from(tail)]);
    });
const validEvent = fc.record({
  type: fc.constantFrom('signup', 'purchase'),
  customer: fc.record({ email: fc.emailAddress() }),
  properties: fc.constant({ note: 'BAD' }),
});

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const invalid = (schema: { safeParse(v: unknown): { success: boolean } }) => (text: string) =>
  !parses(text) || !schema.safeParse(JSON.parse(text)).success;

const malformedEvent = fc.oneof(
  { arbitrary: body(fc.oneof(withExtras(eventLike), anything)).filter(invalid(eventInputSchema)), weight: 9 },
  { arbitrary: notUtf8(validEvent), weight: 1 },
);
const malformedIdentify = body(
  fc.oneof(
    withExtras(
      fc.record(
        { customer, traits: fc.oneof(fc.dictionary(key, json, { maxKeys: 4 }), anything), timezone: anything },
        { requiredKeys: [] },
      ),
    ),
    anything,
  ),
).filter(invalid(identifySchema));
const malformedIdentifyOrNotUtf8 = fc.oneof(
  { arbitrary: malformedIdentify, weight: 9 },
  {
    arbitrary: notUtf8(
      fc.record({ customer: fc.record({ email: fc.emailAddress() }), traits: fc.constant({ city: 'BAD' }) }),
    ),
    weight: 1,
  },
);
/** A batch whose envelope is wrong, or whose every item is: nothing in it may be ingested. */
const malformedBatch = body(
  fc.oneof(
    withExtras(
      fc.record(
        { events: fc.oneof(fc.array(withExtras(eventLike), { maxLength: 6 }), anything) },
        { requiredKeys: [] },
      ),
    ),
    fc.constant({ events: Array.from({ length: 1001 }, () => ({})) }),
    anything,
  ),
).filter(
  (text) =>
    invalid(eventBatchSchema)(text) ||
    (JSON.parse(text) as { events: unknown[] }).events.every((e) => !eventInputSchema.safeParse(e).success),
);
const malformedBatchOrNotUtf8 = fc.oneof(
  { arbitrary: malformedBatch, weight: 9 },
  { arbitrary: notUtf8(fc.record({ events: fc.array(validEvent, { minLength: 1, maxLength: 3 }) })), weight: 1 },
);

function expectRefused(res: HttpResponse, route: string): void {
  const where = `${route} answered ${res.status} ${res.text.slice(0, 300)}`;
  if (res.status < 400 || res.status >= 500) throw new Error(`expected a 4xx: ${where}`);
  if (LEAKS.test(res.text)) throw new Error(`stack trace or path leaked: ${where}`);
  // A well-formed batch whose every item failed is a 400 with a result per item, not a problem.
  const perItem =
    route === '/v1/events/batch' && res.contentType.startsWith('application/json') && Array.isArray(res.body?.results);
  if (!perItem && !res.contentType.startsWith('application/problem+json'))
    throw new Error(`not problem+json: ${where}`);
  if (!perItem && (res.body?.status !== res.status || typeof res.body?.title !== 'string'))
    throw new Error(`not a problem document: ${where}`);
}

const routes = [
  { route: '/v1/events', payloads: malformedEvent },
  { route: '/v1/events/batch', payloads: malformedBatchOrNotUtf8 },
  { route: '/v1/customers/identify', payloads: malformedIdentifyOrNotUtf8 },
];

const rows = async () => {
  const db = world.database.db;
  return {
    customers: await db.customer.count(),
    identifiers: await db.customerIdentifier.count(),
    events: await db.event.count(),
  };
};

test(
  `${PAYLOADS.toLocaleString('en')} malformed payloads to the ingest routes: ` +
    `each a 4xx problem+json, never a 5xx or a stack trace, and no row written`,
  async () => {
    const sent = new Map<string, number>();
    const send = async ({ route, raw }: { route: string; raw: string | Uint8Array }) => {
      sent.set(route, (sent.get(route) ?? 0) + 1);
      expectRefused(await api.request('POST', route, { raw, auth }), route);
    };
    const payload = fc.oneof(...routes.map(({ route, payloads }) => payloads.map((raw) => ({ route, raw }))));
    const empty = { customers: 0, identifiers: 0, events: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(payload, { minLength: CONCURRENCY, maxLength: CONCURRENCY }), async (batch) => {
        await Promise.all(batch.map(send));
        // Every request of the batch was refused: not even a customer or an identifier may be left.
        expect(await rows()).toEqual(empty);
      }),
      { numRuns: PAYLOADS / CONCURRENCY },
    );
    for (const { route } of routes) expect(sent.get(route)).toBeGreaterThan(PAYLOADS / 4);
  },
  600_000,
);

describe('after the fuzz', () => {
  test('nothing was stored, and the server still answers and ingests', async () => {
    expect(await rows()).toEqual({ customers: 0, identifiers: 0, events: 0 });
    expect((await api.request('GET', '/healthz', { auth: null })).status).toBe(200);
    const res = await api.request('POST', '/v1/events', {
      json: { type: 'signup', customer: { email: 'after-fuzz@example.com' } },
      auth,
    });
    expect(res.status).toBe(202);
  });
});
