// One customer's way through Kairos over real HTTP: a program published and launched through the
// admin API, an identified customer, an event, their workflow on a real Temporal dev server, and
// the email at the local SendGrid sink; plus duplicate event ids and batches with bad items.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { NO_CONTACT_POLICY, TEST_TASK_QUEUE } from '../helpers/worker';
import { eventually, startWorld, type World } from '../helpers/world';
import { listen, type ApiServer } from './http';

let world: World;
let api: ApiServer;

const welcome = {
  name: 'Welcome',
  entry: { event: 'signup' },
  start: 'send-welcome',
  steps: {
    'send-welcome': { kind: 'send', channel: 'email', template: 'welcome', next: 'done' },
    done: { kind: 'exit' },
  },
};

beforeAll(async () => {
  world = await startWorld('dev-server', { contactPolicy: NO_CONTACT_POLICY });
  api = await listen(world.api.app);
  const template = await api.request('PUT', '/v1/templates/welcome', {
    json: { subject: 'Welcome, {{ customer.firstName }}', body: '<p>Hello {{ customer.firstName }}</p>' },
  });
  expect(template.status).toBe(200);
  expect((await api.request('POST', '/v1/programs', { json: { id: 'welcome', definition: welcome } })).status).toBe(
    201,
  );
  const published = await api.request('POST', '/v1/programs/welcome/versions');
  expect(published.body).toEqual({ programId: 'welcome', version: 1, unchanged: false });
  const launched = await api.request('POST', '/v1/programs/welcome/launch', { json: { version: 1 } });
  expect(launched.body).toMatchObject({ status: 'live', liveVersion: 1 });
}, 90_000);
afterAll(async () => {
  await api?.close();
  await world?.stop();
});

async function identify(email: string, firstName: string): Promise<string> {
  const res = await api.request('POST', '/v1/customers/identify', {
    json: { customer: { email }, traits: { firstName }, timezone: 'Europe/Ljubljana' },
  });
  expect(res.status).toBe(200);
  return res.body.customerId as string;
}

const inbox = (email: string) => world.sink.store.list({ to: email });
const stepsOf = (enrollmentId: string) =>
  world.database.db.journeyStep.findMany({ where: { enrollmentId }, orderBy: { at: 'asc' } });

/** The enrollment has recorded its exit: nothing more can be sent for it. */
const exited = (enrollmentId: string) =>
  eventually(
    async () => (await stepsOf(enrollmentId)).some((s) => s.kind === 'exit' && s.outcome === 'exit_step'),
    20_000,
    `${enrollmentId} to exit`,
  );

test('a signup posted over HTTP runs the customer workflow and sends the welcome email exactly once', async () => {
  const ana = await identify('ana@example.com', 'Ana');
  const res = await api.request('POST', '/v1/events', {
    json: { eventId: 'signup-ana', type: 'signup', customer: { email: 'ana@example.com' } },
  });
  expect(res.status).toBe(202);
  expect(res.body).toEqual({ eventId: 'signup-ana', customerId: ana, duplicate: false, delivered: true });

  const handle = world.env.client.workflow.getHandle(`customer:${ana}`);
  const description = await handle.describe();
  expect(description.type).toBe('customerWorkflow');
  expect(description.status.name).toBe('RUNNING');

  const [mail] = await eventually(
    async () => inbox('ana@example.com').length > 0 && inbox('ana@example.com'),
    20_000,
    'the welcome email',
  );
  expect(mail).toMatchObject({ subject: 'Welcome, Ana', html: '<p>Hello Ana</p>' });
  await exited('welcome/signup-ana');
  expect(inbox('ana@example.com')).toHaveLength(1);
  const messages = await world.database.db.message.findMany({ where: { customerId: ana } });
  expect(messages).toEqual([
    expect.objectContaining({ key: 'welcome/signup-ana/send-welcome/1', status: 'sent', recipient: 'ana@example.com' }),
  ]);

  const journey = await api.request('GET', `/v1/customers/${ana}/journey`);
  expect(journey.status).toBe(200);
  expect(journey.body).toMatchObject({ customerId: ana, enrollments: [], eventsSeen: 1 });
  expect(journey.body.contactLog).toEqual([expect.objectContaining({ channel: 'email', programId: 'welcome' })]);
  const profile = await api.request('GET', `/v1/customers/${ana}`);
  expect(profile.body.events.map((e: { id: string }) => e.id)).toEqual(['signup-ana']);
});

test(
  'the same event id posted three times is stored once, ' + 'answered 202 then 200 duplicate, and acts once',
  async () => {
    const bo = await identify('bo@example.com', 'Bo');
    const post = () =>
      api.request('POST', '/v1/events', {
        json: { eventId: 'signup-bo', type: 'signup', customer: { email: 'bo@example.com' } },
      });
    const responses = [await post(), await post(), await post()];
    expect(responses.map((r) => r.status)).toEqual([202, 200, 200]);
    expect(responses.map((r) => r.body.duplicate)).toEqual([false, true, true]);
    expect(new Set(responses.map((r) => r.body.customerId))).toEqual(new Set([bo]));

    await exited('welcome/signup-bo');
    expect(await world.database.db.event.count({ where: { id: 'signup-bo' } })).toBe(1);
    expect(inbox('bo@example.com')).toHaveLength(1);
    expect(await world.database.db.message.count({ where: { customerId: bo } })).toBe(1);
    const entered = (await stepsOf('welcome/signup-bo')).filter((s) => s.kind === 'enter');
    expect(entered.map((s) => s.outcome)).toEqual(['entered']);
  },
);

test('the same event id posted concurrently is stored and acted on once', async () => {
  const cy = await identify('cy@example.com', 'Cy');
  const body = { eventId: 'signup-cy', type: 'signup', customer: { email: 'cy@example.com' } };
  const responses = await Promise.all([1, 2, 3, 4].map(() => api.request('POST', '/v1/events', { json: body })));
  expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 202]);
  await exited('welcome/signup-cy');
  expect(await world.database.db.event.count({ where: { id: 'signup-cy' } })).toBe(1);
  expect(inbox('cy@example.com')).toHaveLength(1);
  expect(await world.database.db.journeyStep.count({ where: { customerId: cy, kind: 'enter' } })).toBe(1);
});

test('a redelivered signal (as the relay would send) has no second effect in the workflow', async () => {
  const di = await identify('di@example.com', 'Di');
  await api.request('POST', '/v1/events', {
    json: { eventId: 'signup-di', type: 'signup', customer: { email: 'di@example.com' } },
  });
  const stored = await world.database.db.event.findUniqueOrThrow({ where: { id: 'signup-di' } });
  const event = { id: stored.id, type: stored.type, occurredAt: stored.occurredAt.toISOString(), properties: {} };
  await world.api.deps.customers.deliver(di, event);
  await world.api.deps.customers.deliver(di, event);
  await exited('welcome/signup-di');
  const state = await eventually(async () => {
    const s = await world.api.deps.customers.journeyState(di);
    return s.enrollments.length === 0 && s;
  });
  expect(state.eventsSeen).toBe(1);
  expect(inbox('di@example.com')).toHaveLength(1);
  expect(await world.database.db.journeyStep.count({ where: { customerId: di, kind: 'enter' } })).toBe(1);
});

test('a batch of 3 valid events and 1 invalid one is a 207 with a result per item', async () => {
  const ed = await identify('ed@example.com', 'Ed');
  const customer = { email: 'ed@example.com' };
  const events = [
    { eventId: 'batch-1', type: 'page_view', customer, properties: { page: '/a' } },
    { eventId: 'batch-2', type: 'page_view', customer, properties: { page: '/b' } },
    { eventId: 'batch-3', type: 'signup', customer },
    { eventId: 'batch-4', type: '4-bad', customer, extra: true },
  ];
  const res = await api.request('POST', '/v1/events/batch', { json: { events } });
  expect(res.status).toBe(207);
  expect(res.body).toMatchObject({ accepted: 3, rejected: 1 });
  // No program uses page_view: stored, signalled to nobody (unreferenced); signup is signalled.
  expect(res.body.results.slice(0, 3)).toEqual(
    ['batch-1', 'batch-2', 'batch-3'].map((eventId, index) => ({
      index,
      status: 202,
      eventId,
      customerId: ed,
      duplicate: false,
      delivered: true,
      ...(index < 2 ? { unreferenced: true } : {}),
    })),
  );
  const invalid = res.body.results[3];
  expect(invalid).toMatchObject({ index: 3, status: 400 });
  expect(invalid.errors.map((e: { path: string }) => e.path).sort()).toEqual(['$.events[3]', '$.events[3].type']);
  expect(invalid.errors.find((e: { path: string }) => e.path === '$.events[3]').message).toMatch(/extra/);

  expect(await world.database.db.event.count({ where: { customerId: ed } })).toBe(3);
  await exited('welcome/batch-3');
  expect(inbox('ed@example.com')).toHaveLength(1);

  const again = await api.request('POST', '/v1/events/batch', { json: { events: events.slice(0, 3) } });
  expect(again.status).toBe(207);
  expect(again.body.results.map((r: { status: number; duplicate: boolean }) => [r.status, r.duplicate])).toEqual([
    [200, true],
    [200, true],
    [200, true],
  ]);
});

test('the customer workflow id is deterministic: a second start for the same customer is refused', async () => {
  const fay = await identify('fay@example.com', 'Fay');
  // an event a program uses
  await api.request('POST', '/v1/events', { json: { type: 'signup', customer: { id: fay } } });
  const start = world.env.client.workflow.start('customerWorkflow', {
    workflowId: `customer:${fay}`,
    taskQueue: TEST_TASK_QUEUE,
    args: [{ customerId: fay }],
  });
  await expect(start).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
});
