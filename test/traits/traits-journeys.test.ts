// Computed traits end to end, over HTTP on a real dev server: purchases sent as events make the
// favourite category at once, the kairos:refresh-traits Schedule's first run (at its creation)
// scores RFM, the customer API answers both, and a program entered only by jewellery buyers with
// an RFM recency reads them in its entry condition and its template.
import { TRAITS_SCHEDULE_ID } from '../../src/temporal/addressing';
import { ensureSchedules } from '../../src/temporal/schedules';
import { NO_CONTACT_POLICY, TEST_TASK_QUEUE, testLogger } from '../helpers/worker';
import { eventually, startWorld, type World } from '../helpers/world';
import { publish } from '../integration/admin';
import { listen, type ApiServer } from '../integration/http';

let world: World;
let api: ApiServer;

const fans = {
  name: 'Jewellery fans',
  entry: {
    event: 'visit',
    where: {
      all: [
        { field: 'traits.favouriteCategory', op: 'eq', value: 'jewellery' },
        { field: 'traits.rfm.recency', op: 'gte', value: 1 },
      ],
    },
  },
  start: 'offer',
  steps: {
    offer: { kind: 'send', channel: 'email', template: 'fans', next: 'done' },
    done: { kind: 'exit' },
  },
};

beforeAll(async () => {
  world = await startWorld('dev-server', { contactPolicy: NO_CONTACT_POLICY });
  api = await listen(world.api.app);
  await world.database.db.product.createMany({
    data: [
      { id: 'ring', name: 'Ring', category: 'jewellery' },
      { id: 'dress', name: 'Dress', category: 'clothing' },
    ],
  });
  const template = await api.request('PUT', '/v1/templates/fans', {
    json: {
      subject: 'For a {{ traits.favouriteCategory }} fan, recency {{ traits.rfm.recency }}',
      body: '<p>{{ traits.orderCount }} orders, {{ traits.averageOrderValue }} each</p>',
    },
  });
  expect(template.status).toBe(200);
}, 90_000);
afterAll(async () => {
  await api?.close();
  await world?.stop();
});

async function purchase(email: string, orderId: string, productId: string, price: number, at: string) {
  const res = await api.request('POST', '/v1/events', {
    json: {
      type: 'purchase',
      timestamp: at,
      customer: { email },
      properties: { orderId, items: [{ productId, price }] },
    },
  });
  expect(res.status).toBe(202);
  return res.body.customerId as string;
}

test('a program enters on traits.favouriteCategory and traits.rfm.recency, and its email shows them', async () => {
  const ana = await purchase('ana@example.com', 'a-1', 'ring', 120, '2026-11-20T10:00:00Z');
  await purchase('ana@example.com', 'a-2', 'ring', 80, '2026-11-30T10:00:00Z');
  const bor = await purchase('bor@example.com', 'b-1', 'dress', 60, '2026-10-01T10:00:00Z');

  // Kept current by the purchases themselves; RFM waits for the schedule.
  const before = await api.request('GET', `/v1/customers/${ana}`);
  expect(before.status).toBe(200);
  expect(before.body.computedTraits).toMatchObject({
    orderCount: 2,
    totalSpent: 200,
    averageOrderValue: 100,
    favouriteCategory: 'jewellery',
    purchaseCadenceDays: 10,
    rfm: { recency: null, frequency: null, monetary: null },
  });

  // Created by the API process at start; its first run comes at creation.
  await ensureSchedules(world.env.client, TEST_TASK_QUEUE, { segmentsEvery: '5m' }, testLogger);
  const schedule = world.env.client.schedule.getHandle(TRAITS_SCHEDULE_ID);
  expect((await schedule.describe()).spec.intervals?.map((i) => i.every)).toEqual([86_400_000]);
  const run = await eventually(
    async () => (await schedule.describe()).info.recentActions[0]?.action.workflow,
    30_000,
    'the first traits refresh to start',
  );
  const result = await world.env.client.workflow.getHandle(run.workflowId, run.firstExecutionRunId).result();
  expect(result.rfm).toBe(2);
  // Two buyers: ana, the more recent, frequent and bigger spender, in the second of ntile's buckets.
  const after = await api.request('GET', `/v1/customers/${ana}`);
  expect(after.body.computedTraits.rfm).toEqual({ recency: 2, frequency: 2, monetary: 2 });

  const version = await publish(api, 'fans', fans);
  expect((await api.request('POST', '/v1/programs/fans/launch', { json: { version } })).status).toBe(200);
  for (const email of ['bor@example.com', 'ana@example.com']) {
    expect((await api.request('POST', '/v1/events', { json: { type: 'visit', customer: { email } } })).status).toBe(
      202,
    );
  }
  const [mail] = await eventually(
    async () => {
      const sent = await world.sink.store.list({ to: 'ana@example.com' });
      return sent.length > 0 && sent;
    },
    30_000,
    'the offer to ana',
  );
  expect(mail).toMatchObject({ subject: 'For a jewellery fan, recency 2' });
  expect(JSON.stringify(mail)).toContain('2 orders, 100 each');

  // Bor's visit was taken (his workflow saw it) and entered nothing: clothing is his favourite.
  await eventually(
    async () => (await api.request('GET', `/v1/customers/${bor}/journey`)).body.eventsSeen >= 1,
    30_000,
    'bor’s visit to reach his workflow',
  );
  expect(await world.database.db.journeyStep.count({ where: { customerId: bor, outcome: 'entered' } })).toBe(0);
  expect(await world.sink.store.list({ to: 'bor@example.com' })).toEqual([]);
});
