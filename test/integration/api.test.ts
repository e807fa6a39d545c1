// The HTTP surface over a real socket: health, auth, problem+json errors, body limits, and
// program validation (422 with JSON paths) against a real Temporal dev server and PostgreSQL.
import { eventually, startWorld, type World } from '../helpers/world';
import { expectProblem, listen, type ApiServer } from './http';

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

/** Stack frames ("    at fn (file:1:2)"), source paths and error class names must never reach a client. */
const LEAKS = /\n\s+at |\bat \S+ \(|\/work\/|node_modules|\.[jt]s:\d+|SyntaxError|Error:/;

const pathsOf = (body: { errors?: { path: string }[] }) => (body.errors ?? []).map((e) => e.path).sort();

describe('health', () => {
  test('/healthz answers 200 without a key', async () => {
    const res = await api.request('GET', '/healthz', { auth: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  test('/readyz answers 200 with the database and Temporal checks ok', async () => {
    // Each probe has 2 s to answer; on a loaded machine the first may not, so allow a few tries.
    const res = await eventually(
      async () => {
        const r = await api.request('GET', '/readyz', { auth: null });
        return r.status === 200 && r;
      },
      15_000,
      '/readyz to answer 200',
    );
    expect(res.body).toEqual({ status: 'ready', checks: { database: 'ok', temporal: 'ok' } });
  });
});

describe('auth', () => {
  const event = { type: 'signup', customer: { email: 'auth@example.com' } };

  test('a /v1 request without a key is refused 401 problem+json', async () => {
    const res = await api.request('POST', '/v1/events', { json: event, auth: null });
    expectProblem(res, 401);
    expect(res.body.title).toBe('Unauthorized');
  });

  test('a /v1 request with a wrong key is refused 401 problem+json', async () => {
    for (const auth of ['Bearer not-the-key', `Basic ${Buffer.from('a:b').toString('base64')}`, 'Bearer ']) {
      const res = await api.request('GET', '/v1/programs', { auth });
      expectProblem(res, 401);
    }
    expect(await world.database.db.event.count()).toBe(0);
  });

  // Keys are checked before any body is read: anonymous callers cannot make us buffer and parse
  // megabytes, nor learn whether their JSON is valid.
  test('an unauthenticated request is refused 401 before its body is parsed', async () => {
    const res = await api.request('POST', '/v1/events', { raw: '{"type": "signup",', auth: null });
    expectProblem(res, 401);
  });
});

describe('errors', () => {
  test('malformed JSON is a 400 problem+json with no stack trace or file path in the body', async () => {
    const res = await api.request('POST', '/v1/events', { raw: '{"type": "signup", "customer": {"email": ' });
    expectProblem(res, 400);
    expect(res.body.title).toBe('Malformed JSON');
    expect(res.text).not.toMatch(LEAKS);
    expect(Object.keys(res.body).sort()).toEqual(['detail', 'status', 'title']);
  });

  test('an unknown route is a 404 problem+json, inside and outside /v1', async () => {
    const inside = await api.request('GET', '/v1/nothing-here');
    expectProblem(inside, 404);
    expect(inside.body.detail).toBe('No route for GET /v1/nothing-here');
    expectProblem(await api.request('GET', '/nothing-here', { auth: null }), 404);
  });

  test('an event with bad fields is a 400 naming $.type and $.customer', async () => {
    const res = await api.request('POST', '/v1/events', { json: { type: '1-not-a-type', customer: {} } });
    expectProblem(res, 400);
    expect(pathsOf(res.body)).toEqual(['$.customer', '$.type']);
    expect(res.body.detail).toContain('$.type:');
    expect(await world.database.db.event.count()).toBe(0);
  });

  test('a body over 5 MB is refused 413 problem+json on every route that reads one', async () => {
    const blob = 'x'.repeat(5 * 1024 * 1024 + 1024);
    const event = { type: 'page_view', customer: { email: 'big@example.com' }, properties: { blob } };
    for (const [method, path, json] of [
      ['POST', '/v1/events', event],
      ['POST', '/v1/events/batch', { events: [event] }],
      ['PUT', '/v1/templates/big', { subject: 'Big', body: blob }],
    ] as const) {
      const res = await api.request(method, path, { raw: JSON.stringify(json) });
      expectProblem(res, 413);
      expect(res.text).not.toMatch(LEAKS);
    }
    expect(await world.database.db.event.count()).toBe(0);
    expect(await world.database.db.template.count({ where: { id: 'big' } })).toBe(0);
  });
});

describe('program publishing', () => {
  beforeAll(async () => {
    const res = await api.request('PUT', '/v1/templates/known', { json: { subject: 'Hi', body: '<p>Hi</p>' } });
    expect(res.status).toBe(200);
  });

  /** Every graph defect at once: the validator reports all of them, each at its own path. */
  const brokenGraph = {
    name: 'Broken graph',
    entry: { event: 'signup' },
    start: 'check',
    steps: {
      check: {
        kind: 'branch',
        cases: [
          { when: { field: 'event.properties.vip', op: 'eq', value: true }, next: 'tag' },
          { when: { field: 'event.properties.plan', op: 'eq', value: 'pro' }, next: 'hello' },
        ],
        default: 'done',
      },
      tag: { kind: 'update', addTags: ['vip'], next: 'check' }, // check -> tag -> check never waits
      hello: { kind: 'send', channel: 'email', template: 'no-such-template', next: 'gone' },
      orphan: { kind: 'exit' },
      done: { kind: 'exit' },
    },
  };

  test('publishing an invalid definition is a 422 with a JSON path per defect, and no version', async () => {
    expect(
      (await api.request('POST', '/v1/programs', { json: { id: 'broken', definition: brokenGraph } })).status,
    ).toBe(201);
    const res = await api.request('POST', '/v1/programs/broken/versions');
    expectProblem(res, 422);
    expect(res.body.title).toBe('Invalid program definition');
    const byPath = Object.fromEntries(
      res.body.errors.map((e: { path: string; message: string }) => [e.path, e.message]),
    );
    // The cycle is reported at one of its steps; which one follows the stored key order (jsonb
    // orders keys by length, so it is not the author's order): either is exact for this cycle.
    const cycleAt = ['$.steps.check', '$.steps.tag'].find((p) => p in byPath) ?? '(none)';
    expect(Object.keys(byPath).sort()).toEqual(
      ['$.steps.hello.next', '$.steps.hello.template', '$.steps.orphan', cycleAt].sort(),
    );
    expect(byPath['$.steps.hello.next']).toMatch(/dangling next pointer: no step "gone"/);
    expect(byPath['$.steps.orphan']).toMatch(/unreachable step/);
    expect(byPath[cycleAt]).toMatch(/^cycle with no wait: (check -> tag -> check|tag -> check -> tag)$/);
    expect(byPath['$.steps.hello.template']).toMatch(/unknown template "no-such-template"/);
    const program = await api.request('GET', '/v1/programs/broken');
    expect(program.body.versions).toEqual([]);
  });

  test('a bad condition is a 422 at its exact path; once fixed, the draft publishes as version 1', async () => {
    const valid = {
      name: 'Conditions',
      entry: { event: 'signup', where: { field: 'event.properties.plan', op: 'eq', value: 'pro' } },
      start: 'check',
      steps: {
        check: {
          kind: 'branch',
          cases: [{ when: { field: 'traits.orderCount', op: 'gte', value: 1 }, next: 'hello' }],
          default: 'done',
        },
        hello: { kind: 'send', channel: 'email', template: 'known', next: 'done' },
        done: { kind: 'exit' },
      },
    };
    const badCase = structuredClone(valid) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    badCase.steps.check.cases[0].when = { field: 'event.properties.total', op: 'between', value: 10 };
    badCase.entry.where = { field: 'plan', op: 'eq', value: 'pro' };
    expect(
      (await api.request('POST', '/v1/programs', { json: { id: 'conditions', definition: badCase } })).status,
    ).toBe(201);

    const res = await api.request('POST', '/v1/programs/conditions/versions');
    expectProblem(res, 422);
    expect(pathsOf(res.body)).toEqual(['$.entry.where.field', '$.steps.check.cases[0].when.op']);
    expect(res.body.errors.find((e: { path: string }) => e.path.endsWith('.op')).message).toMatch(
      /unknown op "between"/,
    );

    // A computed trait that does not exist (the segments' list of traits) is refused where it is named.
    const unknownTrait = structuredClone(valid);
    unknownTrait.steps.check.cases[0]!.when = { field: 'traits.vip', op: 'gte', value: 1 };
    await api.request('PUT', '/v1/programs/conditions/draft', { json: { definition: unknownTrait } });
    const refused = await api.request('POST', '/v1/programs/conditions/versions');
    expectProblem(refused, 422);
    expect(pathsOf(refused.body)).toEqual(['$.steps.check.cases[0].when.field']);

    expect((await api.request('PUT', '/v1/programs/conditions/draft', { json: { definition: valid } })).status).toBe(
      200,
    );
    const published = await api.request('POST', '/v1/programs/conditions/versions');
    expect(published.status).toBe(201);
    expect(published.body).toEqual({ programId: 'conditions', version: 1, unchanged: false });
  });
});
