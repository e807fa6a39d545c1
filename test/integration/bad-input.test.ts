// Bad input is a 400 naming the field, decided before anything is written (issue 13, section 2):
// NUL characters, deep JSON, unpaired surrogates, invalid UTF-8, `__proto__` keys, implausible
// timestamps, one bad batch item; and a failure after validation leaves no half-made customer.
import { startWorld, type World } from '../helpers/world';
import { listen, type ApiServer, type HttpResponse } from './http';

let world: World;
let api: ApiServer;

beforeAll(async () => {
  world = await startWorld('dev-server');
  api = await listen(world.api.app);
}, 90_000);
afterAll(async () => {
  await api?.close();
  await world?.stop();
});

const rows = async () => {
  const db = world.database.db;
  return {
    customers: await db.customer.count(),
    identifiers: await db.customerIdentifier.count(),
    events: await db.event.count(),
    programs: await db.program.count(),
    apiKeys: await db.apiKey.count(),
    templateVersions: await db.templateVersion.count(),
    auditEntries: await db.auditEntry.count(),
  };
};

/** Sends the request and expects a 400 problem naming `path` (and `reason`), with no new rows. */
async function expectRejected(
  send: () => Promise<HttpResponse>,
  path: string | RegExp,
  reason: RegExp,
): Promise<HttpResponse> {
  const before = await rows();
  const res = await send();
  expect({ status: res.status, type: res.contentType }).toEqual({
    status: 400,
    type: expect.stringMatching(/^application\/problem\+json/),
  });
  expect(res.body.errors).toEqual(
    expect.arrayContaining([
      { path: typeof path === 'string' ? path : expect.stringMatching(path), message: expect.stringMatching(reason) },
    ]),
  );
  expect(res.text).not.toMatch(/\n\s+at |node_modules|\.[jt]s:\d+/);
  expect(await rows()).toEqual(before);
  return res;
}

const post = (path: string, json: unknown) => () => api.request('POST', path, { json });
const postRaw = (path: string, raw: string | Uint8Array) => () => api.request('POST', path, { raw });
const event = (over: Record<string, unknown> = {}) => ({
  type: 'signup',
  customer: { email: 'ana@example.com' },
  ...over,
});
/** JSON text nested `depth` objects deep (`{"a": {"a": ... 1}}`): built as text, since JSON.stringify recurses. */
const nest = (depth: number) => `${'{"a": '.repeat(depth)}1${'}'.repeat(depth)}`;
const NUL = /NUL/;

describe('NUL characters', () => {
  test.each([
    ['customer.id', event({ customer: { id: 'a\u0000b' } }), '$.customer.id'],
    ['customer.loyaltyId', event({ customer: { loyaltyId: 'L\u0000' } }), '$.customer.loyaltyId'],
    [
      'customer.anonymousId',
      event({ customer: { email: 'nul@example.com', anonymousId: '\u0000' } }),
      '$.customer.anonymousId',
    ],
    ['a property value', event({ properties: { note: 'x\u0000y' } }), '$.properties.note'],
    ['a nested property value', event({ properties: { items: [{ sku: '\u0000' }] } }), '$.properties.items[0].sku'],
    ['a property key', event({ properties: { 'k\u0000': 1 } }), '$.properties.k\u0000'],
  ])('in %s of an event', async (_what, body, path) => {
    await expectRejected(post('/v1/events', body), path, NUL);
  });

  test('in a trait value and a trait key of identify', async () => {
    await expectRejected(
      post('/v1/customers/identify', { customer: { email: 'trait@example.com' }, traits: { city: 'Lj\u0000' } }),
      '$.traits.city',
      NUL,
    );
    await expectRejected(
      post('/v1/customers/identify', { customer: { email: 'trait@example.com' }, traits: { 'c\u0000': 'x' } }),
      '$.traits.c\u0000',
      NUL,
    );
  });

  test('in a program name and a definition key', async () => {
    await expectRejected(
      post('/v1/programs', { id: 'nul-name', definition: { name: 'N\u0000' } }),
      '$.definition.name',
      NUL,
    );
    await expectRejected(
      post('/v1/programs', { id: 'nul-key', definition: { name: 'ok', steps: [{ 'i\u0000d': 's' }] } }),
      '$.definition.steps[0].i\u0000d',
      NUL,
    );
  });

  test.each(['/v1/customers/%00', '/v1/customers/a%00b/journey', '/v1/customers/%00/trace', '/v1/programs/%00'])(
    'in the path %s',
    async (path) => {
      await expectRejected(() => api.request('GET', path), '$.path', NUL);
    },
  );

  test('in one batch item: 207, a 400 naming the field for that item, the others accepted', async () => {
    const before = await rows();
    const res = await api.request('POST', '/v1/events/batch', {
      json: {
        events: [
          event({ customer: { email: 'b1@example.com' } }),
          event({ customer: { email: 'b2@example.com' }, properties: { note: '\u0000' } }),
          event({ customer: { email: 'b3@example.com' } }),
        ],
      },
    });
    expect(res.status).toBe(207);
    expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([202, 400, 202]);
    expect(res.body.results[1].errors).toEqual([
      { path: '$.events[1].properties.note', message: expect.stringMatching(NUL) },
    ]);
    expect(await world.database.db.customerIdentifier.findMany({ where: { value: 'b2@example.com' } })).toEqual([]);
    const after = await rows();
    expect(after.events - before.events).toBe(2);
  });
});

// The admin routes obey the same rules: nothing with NUL reaches PostgreSQL from a body, a path or a query.
describe('NUL characters in the admin routes', () => {
  test('in an API key name (and an unpaired surrogate)', async () => {
    await expectRejected(post('/v1/api-keys', { name: 'ci\u0000', scopes: ['read'] }), '$.name', NUL);
    await expectRejected(postRaw('/v1/api-keys', '{"name": "ci\\udc00", "scopes": ["read"]}'), '$.name', /surrogate/);
  });

  describe('templates', () => {
    let customerId: string;
    beforeAll(async () => {
      expect(
        (
          await api.request('PUT', '/v1/templates/nul-preview', {
            json: { subject: 'Hi', body: 'Hello {{ customer.id }}' },
          })
        ).status,
      ).toBe(200);
      customerId = (
        await api.request('POST', '/v1/customers/identify', { json: { customer: { email: 'preview@example.com' } } })
      ).body.customerId;
    });

    test('in the customerId of a preview or a test send', async () => {
      await expectRejected(post('/v1/templates/nul-preview/preview', { customerId: 'c\u0000' }), '$.customerId', NUL);
      await expectRejected(
        post('/v1/templates/nul-preview/test-send', { to: 'qa@example.com', customerId: '\u0000' }),
        '$.customerId',
        NUL,
      );
    });

    test("in a preview event's properties (its product ids seed a query)", async () => {
      const event = { type: 'purchase', properties: { productId: 'p\u0000' } };
      await expectRejected(
        post('/v1/templates/nul-preview/preview', { customerId, event }),
        '$.event.properties.productId',
        NUL,
      );
      await expectRejected(
        postRaw(
          '/v1/templates/nul-preview/preview',
          `{"customerId": "${customerId}", "event": {"type": "purchase", "properties": ${nest(40)}}}`,
        ),
        /^\$\.event\.properties(\.a)+$/,
        /deeper than 32/,
      );
      expect(
        (
          await api.request('POST', '/v1/templates/nul-preview/preview', {
            json: { customerId, event: { type: 'purchase', properties: { productId: 'p-1' } } },
          })
        ).status,
      ).toBe(200);
    });

    test('in a template subject or body', async () => {
      await expectRejected(
        () => api.request('PUT', '/v1/templates/nul-save', { json: { subject: 'H\u0000i', body: 'x' } }),
        '$.subject',
        NUL,
      );
      await expectRejected(
        () => api.request('PUT', '/v1/templates/nul-save', { json: { subject: 'Hi', body: '\u0000' } }),
        '$.body',
        NUL,
      );
    });

    test.each([
      ['GET', '/v1/templates/%00'],
      ['GET', '/v1/templates/a%00/versions'],
      ['PUT', '/v1/templates/%00'],
      ['POST', '/v1/templates/%00/preview'],
      ['POST', '/v1/templates/nul%00/test-send'],
    ])('in the path %s %s', async (method, path) => {
      await expectRejected(
        () =>
          api.request(method, path, method === 'GET' ? {} : { json: { subject: 'Hi', body: 'x', customerId: 'c' } }),
        '$.path',
        NUL,
      );
    });
  });

  test.each([
    '/v1/audit?resource=%00',
    '/v1/audit?actor=a%00b',
    '/v1/programs/p/diff?from=1%00&to=2',
    '/v1/experiments/%00/results',
    '/v1/rollouts/%00',
  ])('in %s', async (path) => {
    await expectRejected(() => api.request('GET', path), /^\$\.(path|query)$/, NUL);
  });
});

describe('deep JSON', () => {
  test('properties nest at most 32 levels: 32 are accepted, 33 are a 400 naming the deepest path', async () => {
    const ok = await api.request('POST', '/v1/events', {
      raw: `{"type": "signup", "customer": {"email": "deep-ok@example.com"}, "properties": ${nest(32)}}`,
    });
    expect(ok.status).toBe(202);
    await expectRejected(
      postRaw('/v1/events', `{"type": "signup", "customer": {"email": "deep@example.com"}, "properties": ${nest(33)}}`),
      `$.properties${'.a'.repeat(32)}`,
      /deeper than 32/,
    );
  });

  test.each([127, 200, 500, 5_000])('properties %i levels deep', async (depth) => {
    await expectRejected(
      postRaw(
        '/v1/events',
        `{"type": "signup", "customer": {"email": "deep@example.com"}, "properties": ${nest(depth)}}`,
      ),
      /^\$\.properties(\.a)+$/,
      /deeper than 32/,
    );
  });

  test('traits 1,000 levels deep', async () => {
    await expectRejected(
      postRaw('/v1/customers/identify', `{"customer": {"email": "deep@example.com"}, "traits": ${nest(1_000)}}`),
      /^\$\.traits(\.a)+$/,
      /deeper than 32/,
    );
  });

  test('a program body 10,000 levels deep is refused quickly', async () => {
    const started = Date.now();
    await expectRejected(
      postRaw('/v1/programs', `{"id": "deep", "definition": {"name": "deep", "steps": [${nest(10_000)}]}}`),
      /^\$\.definition\.steps\[0\](\.a)+$/,
      /deeper than 32/,
    );
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('text that cannot be stored as sent', () => {
  test('an unpaired surrogate (escaped in the JSON) is a 400', async () => {
    await expectRejected(
      postRaw(
        '/v1/events',
        '{"type": "signup", "customer": {"email": "s@example.com"}, "properties": {"name": "a\\ud800b"}}',
      ),
      '$.properties.name',
      /surrogate/,
    );
    await expectRejected(
      postRaw('/v1/events', '{"type": "signup", "customer": {"anonymousId": "\\udc00"}}'),
      '$.customer.anonymousId',
      /surrogate/,
    );
    await expectRejected(
      postRaw('/v1/customers/identify', '{"customer": {"email": "s@example.com"}, "traits": {"\\ud83d": 1}}'),
      '$.traits.\ud83d',
      /surrogate/,
    );
  });

  test('a body that is not valid UTF-8 is a 400', async () => {
    const valid = '{"type": "signup", "customer": {"email": "utf8@example.com"}, "properties": {"name": "XX"}}';
    for (const bad of [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xe2, 0x82]]) {
      const [head, tail] = valid.split('XX') as [string, string];
      const raw = Buffer.concat([Buffer.from(head), Buffer.from(bad), Buffer.from(tail)]);
      await expectRejected(postRaw('/v1/events', raw), '$', /UTF-8/);
      await expectRejected(
        postRaw(
          '/v1/customers/identify',
          Buffer.concat([
            Buffer.from('{"customer": {"email": "u@example.com"}, "traits": {"x": "'),
            Buffer.from(bad),
            Buffer.from('"}}'),
          ]),
        ),
        '$',
        /UTF-8/,
      );
    }
  });
});

describe('timestamps', () => {
  const HOUR = 3_600_000;
  test.each(['9999-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '1999-12-31T23:59:59Z', 'future'])(
    '%s is a 400 naming $.timestamp',
    async (when) => {
      const timestamp = when === 'future' ? new Date(Date.now() + 25 * HOUR).toISOString() : when;
      await expectRejected(post('/v1/events', event({ timestamp })), '$.timestamp', /2000-01-01/);
    },
  );

  test('2000-01-01 and 23 hours ahead are accepted', async () => {
    for (const timestamp of ['2000-01-01T00:00:00Z', new Date(Date.now() + 23 * HOUR).toISOString()]) {
      expect(
        (await api.request('POST', '/v1/events', { json: event({ customer: { email: 'ts@example.com' }, timestamp }) }))
          .status,
      ).toBe(202);
    }
  });
});

describe('__proto__ keys are refused everywhere; constructor and prototype are data', () => {
  test('in properties, traits and a program definition', async () => {
    await expectRejected(
      postRaw(
        '/v1/events',
        '{"type": "signup", "customer": {"email": "p@example.com"}, "properties": {"__proto__": {"x": 1}}}',
      ),
      '$.properties.__proto__',
      /__proto__/,
    );
    await expectRejected(
      postRaw(
        '/v1/events',
        '{"type": "signup", "customer": {"email": "p@example.com"}, "properties": {"a": [{"__proto__": 1}]}}',
      ),
      '$.properties.a[0].__proto__',
      /__proto__/,
    );
    await expectRejected(
      postRaw(
        '/v1/customers/identify',
        '{"customer": {"email": "p@example.com"}, "traits": {"__proto__": {"admin": true}}}',
      ),
      '$.traits.__proto__',
      /__proto__/,
    );
    await expectRejected(
      postRaw('/v1/programs', '{"id": "proto", "definition": {"name": "p", "settings": {"__proto__": {}}}}'),
      '$.definition.settings.__proto__',
      /__proto__/,
    );
  });

  test('constructor and prototype keys are stored as sent', async () => {
    const properties = { constructor: 'c', prototype: { constructor: 1 } };
    const res = await api.request('POST', '/v1/events', {
      json: event({ customer: { email: 'ctor@example.com' }, properties }),
    });
    expect(res.status).toBe(202);
    expect((await world.database.db.event.findUniqueOrThrow({ where: { id: res.body.eventId } })).properties).toEqual(
      properties,
    );
  });
});

describe('a failure after validation leaves no half-made customer', () => {
  // Straight to the services, past the schemas: PostgreSQL itself refuses the NUL.
  test('ingest: the customer, its identifiers and the event are one transaction', async () => {
    const before = await rows();
    await expect(
      world.api.deps.ingestion.ingest({
        type: 'signup',
        customer: { email: 'half@example.com', anonymousId: 'half-anon' },
        properties: { note: '\u0000' },
      }),
    ).rejects.toThrow();
    expect(await rows()).toEqual(before);
  });

  test('identify: the customer, its identifiers and its traits are one transaction', async () => {
    const before = await rows();
    await expect(
      world.api.deps.identity.identify({
        customer: { email: 'half-identify@example.com' },
        traits: { note: '\u0000' },
      }),
    ).rejects.toThrow();
    expect(await rows()).toEqual(before);
  });

  test('concurrent first sightings of one email still make one customer', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        api.request('POST', '/v1/events', {
          json: event({ customer: { email: 'race@example.com', anonymousId: `race-${i}` } }),
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(202));
    expect(new Set(results.map((r) => r.body.customerId)).size).toBe(1);
    expect(
      await world.database.db.customerIdentifier.count({ where: { customerId: results[0]!.body.customerId } }),
    ).toBe(9);
  });
});
