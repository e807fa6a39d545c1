// Events no program version in use references (issue 14, outcome 8), over HTTP on a real dev
// server: stored and visible (profile, computed traits), signalled to no workflow; referenced
// from the publish of a version that names them; after an archive, the entry type no longer
// is, while the archived program's waits still are; and a second API process on the same
// database learns of a launch the first made.
import { WorkflowNotFoundError } from '@temporalio/client';
import { composeApi, type ComposedApi } from '../../src/apps/api';
import { testApiConfig } from '../helpers/config';
import { customerWorkflowId } from '../../src/temporal/addressing';
import { eventually, startWorld, type World } from '../helpers/world';
import { stepsRecorded } from './admin';
import { listen, type ApiServer } from './http';

let world: World;
let api: ApiServer;
let second: ComposedApi;
let secondApi: ApiServer;

beforeAll(async () => {
  world = await startWorld('dev-server');
  api = await listen(world.api.app);
  // Another API process on the same database (it shares no memory with the first).
  second = await composeApi(testApiConfig(), { db: world.database.db, client: world.env.client });
  secondApi = await listen(second.app);
  expect(await world.api.referenced.ready()).toBe(true);
  expect(await second.referenced.ready()).toBe(true);
  await world.database.db.product.create({ data: { id: 'scarf', name: 'Silk scarf', stock: 5, price: 40 } });
  const saved = await api.request('PUT', '/v1/templates/traits', {
    json: { subject: 'orders {{ traits.orderCount }}, spent {{ traits.totalSpent }}', body: '<p>.</p>' },
  });
  expect(saved.status).toBe(200);
}, 90_000);
afterAll(async () => {
  await secondApi?.close();
  await second?.close();
  await api?.close();
  await world?.stop();
});

const customerOf = (n: string) => ({ email: `${n}@example.com` });
const identify = async (n: string) =>
  (await api.request('POST', '/v1/customers/identify', { json: { customer: customerOf(n) } })).body
    .customerId as string;
const handle = (id: string) => world.env.client.workflow.getHandle(customerWorkflowId(id));
/** The length of the customer's workflow history, or null when they have no workflow. */
async function historyLength(id: string): Promise<number | null> {
  try {
    return (await handle(id).describe()).historyLength;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}
/** A program entered on `entry` that waits for `wait` (an hour at most) and exits. */
const waiting = (entry: string, wait: string) => ({
  name: entry,
  entry: { event: entry },
  start: 'hold',
  steps: {
    hold: { kind: 'waitForEvent', event: { type: wait }, timeout: '1h', next: { matched: 'done', timedOut: 'done' } },
    done: { kind: 'exit' },
  },
});
async function publishAndLaunch(server: ApiServer, id: string, definition: object): Promise<void> {
  expect((await server.request('POST', '/v1/programs', { json: { id, definition } })).status).toBe(201);
  expect((await server.request('POST', `/v1/programs/${id}/versions`)).status).toBe(201);
  expect((await server.request('POST', `/v1/programs/${id}/launch`, { json: { version: 1 } })).status).toBe(200);
}
const entered = (programId: string, customerId: string) =>
  stepsRecorded(
    world.database.db,
    { programId, customerId, kind: 'enter', outcome: 'entered' },
    1,
    `${customerId} to enter ${programId}`,
    30_000,
  );

test('an event no program uses is stored and read like any other, and starts no workflow', async () => {
  const ana = await identify('ana');
  const batch = await api.request('POST', '/v1/events/batch', {
    json: {
      events: [
        { eventId: 'ana-view-1', type: 'page_view', customer: customerOf('ana'), properties: { path: '/scarves' } },
        {
          eventId: 'ana-buy-1',
          type: 'purchase',
          customer: customerOf('ana'),
          properties: { orderId: 'o-1', items: [{ productId: 'scarf', price: 40 }] },
        },
        { eventId: 'newbie-view-1', type: 'page_view', customer: customerOf('newbie'), properties: {} }, // first sight
      ],
    },
  });
  expect(batch.status).toBe(207);
  expect(
    batch.body.results.map((r: { status: number; delivered: boolean; unreferenced?: boolean }) => [
      r.status,
      r.delivered,
      r.unreferenced,
    ]),
  ).toEqual([
    [202, true, true],
    [202, true, true],
    [202, true, true],
  ]);
  const single = await api.request('POST', '/v1/events', {
    json: { eventId: 'ana-view-2', type: 'page_view', customer: customerOf('ana') },
  });
  expect(single.status).toBe(202);
  expect(single.body).toEqual({
    eventId: 'ana-view-2',
    customerId: ana,
    duplicate: false,
    delivered: true,
    unreferenced: true,
  });
  const again = await api.request('POST', '/v1/events', {
    json: { eventId: 'ana-view-2', type: 'page_view', customer: customerOf('ana') },
  });
  expect([again.status, again.body.duplicate, again.body.unreferenced]).toEqual([200, true, true]);

  // Stored: the profile lists them, the computed traits count the purchase.
  const profile = await api.request('GET', `/v1/customers/${ana}`);
  expect(profile.body.events.map((e: { id: string }) => e.id).sort()).toEqual([
    'ana-buy-1',
    'ana-view-1',
    'ana-view-2',
  ]);
  const preview = await api.request('POST', '/v1/templates/traits/preview', { json: { customerId: ana } });
  expect(preview.body.subject).toBe('orders 1, spent 40');
  const newbie = batch.body.results[2].customerId as string;
  expect(
    (await api.request('GET', `/v1/customers/${newbie}`)).body.events.map((e: { type: string }) => e.type),
  ).toEqual(['page_view']);

  // Signalled to nobody: neither customer has a workflow, and the journey is empty.
  expect(await historyLength(ana)).toBeNull();
  expect(await historyLength(newbie)).toBeNull();
  const journey = await api.request('GET', `/v1/customers/${ana}/journey`);
  expect([journey.status, journey.body.enrollments, journey.body.eventsSeen]).toEqual([200, [], 0]);
  // Nothing is pending for the relay.
  expect(await world.database.db.event.count({ where: { deliveredAt: null } })).toBe(0);
  // The trace says why no workflow heard them.
  const trace = await api.request('GET', `/v1/customers/${ana}/trace`);
  expect(trace.body.entries.map((e: { kind: string; summary: string }) => [e.kind, e.summary])).toEqual(
    ['ana-view-1', 'ana-buy-1', 'ana-view-2'].map((id) => [
      'event',
      expect.stringMatching(
        new RegExp(`^stored (page_view|purchase) ${id}, not signalled: no program version in use referenced`),
      ),
    ]),
  );
});

test('a launched program that enters on the type makes the next such event signalled; archived, it stops', async () => {
  const bo = await identify('bo');
  const post = async (eventId: string, type: string) =>
    (await api.request('POST', '/v1/events', { json: { eventId, type, customer: customerOf('bo') } })).body;
  expect(await post('bo-sale-1', 'sale_view')).toMatchObject({ delivered: true, unreferenced: true });
  expect(await historyLength(bo)).toBeNull();

  await publishAndLaunch(api, 'sale', waiting('sale_view', 'sale_click'));
  const signalled = await post('bo-sale-2', 'sale_view');
  expect(signalled).toEqual({ eventId: 'bo-sale-2', customerId: bo, duplicate: false, delivered: true });
  await entered('sale', bo);
  const enrollments = await world.database.db.journeyStep.findMany({ where: { customerId: bo, kind: 'enter' } });
  expect(enrollments.map((s) => s.detail)).toEqual([expect.objectContaining({ eventId: 'bo-sale-2' })]);

  expect((await api.request('POST', '/v1/programs/sale/stop')).status).toBe(200);
  expect((await api.request('POST', '/v1/programs/sale/archive')).status).toBe(200);
  await new Promise((r) => setTimeout(r, 600)); // customers reuse a program state for up to 500 ms in tests
  const before = await historyLength(bo);
  expect(before).toBeGreaterThan(0);
  // The entry type is no longer referenced: stored, and her history gains nothing.
  expect(await post('bo-sale-3', 'sale_view')).toMatchObject({ delivered: true, unreferenced: true });
  expect(await historyLength(bo)).toBe(before);
  // The archived program's wait still is: she is still in it, and exits when it ends her wait.
  expect((await post('bo-click-1', 'sale_click')).unreferenced).toBeUndefined();
  expect(await historyLength(bo)).toBeGreaterThan(before!);
  await stepsRecorded(
    world.database.db,
    { programId: 'sale', customerId: bo, kind: 'exit', outcome: 'program stopped' },
    1,
    'bo to leave the stopped program',
    30_000,
  );
});

test('a second API process picks up a launch made by the first', async () => {
  const cy = await identify('cy');
  const postToSecond = async (eventId: string) =>
    (
      await secondApi.request('POST', '/v1/events/batch', {
        json: { events: [{ eventId, type: 'flash_view', customer: customerOf('cy') }] },
      })
    ).body.results[0];
  expect(await postToSecond('cy-flash-1')).toMatchObject({ status: 202, delivered: true, unreferenced: true });

  await publishAndLaunch(api, 'flash', waiting('flash_view', 'flash_click'));
  // At once: the publish's NOTIFY reached it before the launch was answered.
  const result = await postToSecond('cy-flash-2');
  expect(result).toEqual({
    index: 0,
    status: 202,
    eventId: 'cy-flash-2',
    customerId: cy,
    duplicate: false,
    delivered: true,
  });
  await entered('flash', cy);
  expect(second.referenced.references('flash_view')).toBe(true);
  expect(second.referenced.references('flash_unknown')).toBe(false);
  await eventually(async () => (await historyLength(cy)) !== null, 10_000, "cy's workflow");
});

test('an event versions only wait for reaches the waiting customer with no planning in the workflow', async () => {
  const dee = await identify('dee');
  await publishAndLaunch(api, 'cart', waiting('cart_add', 'cart_pay'));
  const post = async (eventId: string, type: string) =>
    (await api.request('POST', '/v1/events', { json: { eventId, type, customer: customerOf('dee') } })).body;
  await post('dee-add-1', 'cart_add');
  await entered('cart', dee);
  await post('dee-pay-1', 'cart_pay');
  await stepsRecorded(
    world.database.db,
    { programId: 'cart', customerId: dee, kind: 'waitForEvent', outcome: 'matched' },
    1,
    'dee to be matched',
    30_000,
  );
  // One local activity planned entries, for the entry event; the payment was not planned.
  const { events } = await handle(dee).fetchHistory();
  const localActivities = (events ?? []).flatMap((e) => {
    const data = e.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
    return data ? [(JSON.parse(Buffer.from(data).toString()) as { activity_type: string }).activity_type] : [];
  });
  expect(localActivities.filter((type) => type === 'planEnrollments')).toHaveLength(1);
});
