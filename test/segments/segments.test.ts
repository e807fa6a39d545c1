// Segments end to end, over HTTP on a real dev server and PostgreSQL: an event that makes a
// customer enter a segment starts a program triggered by segment_entered, and leaving it ends the
// enrollment through its goal (segment_left); membership reaches conditions as profile.segments;
// a time-based segment is entered by the Schedule's recompute, whose events the relay delivers;
// recomputing again writes no event twice; bad definitions are 422s naming the JSON path.
import pino from 'pino';
import { SEGMENTS_SCHEDULE_ID } from '../../src/temporal/addressing';
import { ensureSchedules } from '../../src/temporal/schedules';
import { loadProfileScope } from '../../src/customers/profile-scope';
import { refreshSegments } from '../../src/segments/refresh-segments';
import { TEST_TASK_QUEUE } from '../helpers/config';
import { eventually, startWorld, type World } from '../helpers/world';
import { publish, stepsRecorded } from '../integration/admin';
import { expectProblem, listen, type ApiServer } from '../integration/http';

const logger = pino({ level: 'silent' });
const DAY = 86_400_000;
let world: World;
let api: ApiServer;
let relay: { stop(): Promise<void> };

beforeAll(async () => {
  world = await startWorld('dev-server');
  api = await listen(world.api.app);
  // As every API process does: the recompute's events reach workflows through the relay.
  relay = world.api.relay.start(250);
}, 90_000);
afterAll(async () => {
  await relay?.stop();
  await api?.close();
  await world?.stop();
});

async function publishSegment(id: string, definition: object): Promise<number> {
  const created = await api.request('POST', '/v1/segments', { json: { id, definition } });
  expect(created.status).toBe(201);
  const published = await api.request('POST', `/v1/segments/${id}/versions`);
  expect(published.status).toBe(201);
  return published.body.version as number;
}

/**
 * Enters on entering `segment`; holds for an hour if the profile lists the segment (a branch on
 * membership), else exits; converts when the customer leaves it.
 */
const onSegment = (segment: string) => {
  const ofSegment = { field: 'event.properties.segment', op: 'eq', value: segment };
  return {
    name: `in ${segment}`,
    entry: { event: 'segment_entered', where: ofSegment },
    goal: { event: { type: 'segment_left', where: ofSegment }, window: '1d' },
    start: 'check',
    steps: {
      check: {
        kind: 'branch',
        cases: [{ when: { field: 'profile.segments', op: 'contains', value: segment }, next: 'hold' }],
        default: 'done',
      },
      hold: {
        kind: 'waitForEvent',
        event: { type: 'never' },
        timeout: '1h',
        next: { matched: 'done', timedOut: 'done' },
      },
      done: { kind: 'exit' },
    },
  };
};

async function launch(id: string, definition: object): Promise<void> {
  const version = await publish(api, id, definition);
  expect((await api.request('POST', `/v1/programs/${id}/launch`, { json: { version } })).status).toBe(200);
}

const send = async (type: string, email: string, eventId?: string) => {
  const res = await api.request('POST', '/v1/events', { json: { type, customer: { email }, eventId } });
  expect(res.status).toBeLessThan(300);
  return res.body.customerId as string;
};

const segmentEvents = (customerId: string, type: string) =>
  world.database.db.event.findMany({ where: { customerId, type }, orderBy: { receivedAt: 'asc' } });

test('an event enters the customer into a segment, which starts a program; leaving it converts its goal', async () => {
  await publishSegment('repeat-buyers', {
    name: 'Repeat buyers without a refund',
    condition: {
      all: [
        { events: { type: 'order_placed', within: '30d', count: { gte: 2 } } },
        { events: { type: 'refund_issued', within: '30d', count: { eq: 0 } } },
      ],
    },
  });
  await launch('repeat-welcome', onSegment('repeat-buyers'));

  const alice = await send('order_placed', 'alice@example.com');
  expect(await segmentEvents(alice, 'segment_entered')).toEqual([]);
  await send('order_placed', 'alice@example.com');
  const [entered] = await segmentEvents(alice, 'segment_entered');
  expect(entered).toMatchObject({
    id: 'segment:repeat-buyers:' + alice + ':1:entered',
    properties: { segment: 'repeat-buyers', version: 1 },
  });
  await stepsRecorded(
    world.database.db,
    { customerId: alice, programId: 'repeat-welcome', kind: 'enter', outcome: 'entered' },
    1,
    'alice entering the program on segment_entered',
  );
  // Membership, as conditions read it: the program's branch took alice to its hold.
  expect((await loadProfileScope(world.database.db, alice)).profile.segments).toEqual(['repeat-buyers']);
  await stepsRecorded(
    world.database.db,
    { customerId: alice, programId: 'repeat-welcome', stepId: 'check', outcome: 'case 0' },
    1,
    'the branch on profile.segments taking alice to hold',
  );

  await send('refund_issued', 'alice@example.com');
  const [left] = await segmentEvents(alice, 'segment_left');
  expect(left?.id).toBe('segment:repeat-buyers:' + alice + ':1:left');
  await stepsRecorded(
    world.database.db,
    { customerId: alice, programId: 'repeat-welcome', kind: 'goal', outcome: 'converted' },
    1,
    "alice's goal converted by leaving the segment",
  );
  expect((await loadProfileScope(world.database.db, alice)).profile.segments).toEqual([]);
  const spells = await world.database.db.segmentMembership.findMany({ where: { customerId: alice } });
  expect(spells).toEqual([expect.objectContaining({ spell: 1, version: 1, leftAt: expect.any(Date) })]);

  // Recomputing what the events already did writes nothing more.
  const again = await refreshSegments(world.database.db, logger, { only: ['repeat-buyers'] });
  expect(again.segments).toEqual([expect.objectContaining({ id: 'repeat-buyers', entered: 0, left: 0 })]);
  expect(await world.database.db.event.count({ where: { customerId: alice, type: { startsWith: 'segment_' } } })).toBe(
    2,
  );
});

test("a time-based segment is entered by the Schedule's recompute, once however often it runs", async () => {
  const bob = await send('signed_up', 'bob@example.com');
  const carol = await send('signed_up', 'carol@example.com');
  const utc = (ms: number) => new Date(ms);
  await world.database.db.customerTraits.createMany({
    data: [
      {
        customerId: bob,
        orderCount: 1,
        totalSpent: 30,
        firstPurchaseAt: utc(Date.now() - 61 * DAY),
        lastPurchaseAt: utc(Date.now() - 61 * DAY),
      },
      {
        customerId: carol,
        orderCount: 1,
        totalSpent: 30,
        firstPurchaseAt: utc(Date.now() - 59 * DAY),
        lastPurchaseAt: utc(Date.now() - 59 * DAY),
      },
    ],
  });
  await publishSegment('lapsed', {
    name: 'No purchase for 60 days',
    condition: { field: 'traits.daysSinceLastPurchase', op: 'gte', value: 60 },
  });
  await launch('win-back', onSegment('lapsed'));

  await ensureSchedules(world.env.client, TEST_TASK_QUEUE, { segmentsEvery: '5m' }, logger);
  await world.env.client.schedule.getHandle(SEGMENTS_SCHEDULE_ID).trigger();
  await stepsRecorded(
    world.database.db,
    { customerId: bob, programId: 'win-back', kind: 'enter', outcome: 'entered' },
    1,
    'bob entering win-back after the recompute',
  );
  const members = await world.database.db.segmentMembership.findMany({ where: { segmentId: 'lapsed', leftAt: null } });
  expect(members.map((m) => m.customerId)).toEqual([bob]);

  // Carol's purchase ages past 60 days: the next run takes her in; bob's spell and event stay single.
  await world.database.db.customerTraits.update({
    where: { customerId: carol },
    data: { lastPurchaseAt: utc(Date.now() - 60 * DAY - 1000) },
  });
  for (let run = 0; run < 2; run++) await refreshSegments(world.database.db, logger);
  const entered = await world.database.db.event.findMany({
    where: { type: 'segment_entered', properties: { path: ['segment'], equals: 'lapsed' } },
  });
  expect(entered.map((e) => e.customerId).sort()).toEqual([bob, carol].sort());
  await eventually(
    async () => (await world.database.db.event.count({ where: { type: 'segment_entered', deliveredAt: null } })) === 0,
    30_000,
    'the relay delivering the recompute’s events',
  );
});

test('an unknown field, an unknown trait or too large a window is a 422 naming its path', async () => {
  const bad = async (id: string, condition: object) => {
    expect(
      (await api.request('POST', '/v1/segments', { json: { id, definition: { name: id, condition } } })).status,
    ).toBe(201);
    const res = await api.request('POST', `/v1/segments/${id}/versions`);
    expectProblem(res, 422);
    return (res.body.errors as { path: string; message: string }[]).map((e) => e.path);
  };
  expect(
    await bad('extra-field', { events: { type: 'view', within: '7d', count: { gte: 1 }, colour: 'red' } }),
  ).toEqual(['$.condition.events.colour']);
  expect(await bad('long-window', { events: { type: 'view', within: '400d', count: { gte: 1 } } })).toEqual([
    '$.condition.events.within',
  ]);
  expect(await bad('no-such-trait', { all: [{ field: 'traits.shoeSize', op: 'gt', value: 40 }] })).toEqual([
    '$.condition.all[0].field',
  ]);
  expect(
    await bad('event-field', {
      events: { type: 'view', within: '7d', count: { gte: 1 }, where: { field: 'profile.tier', op: 'exists' } },
    }),
  ).toEqual(['$.condition.events.where']);
  // Nothing was published.
  expect(
    await world.database.db.segmentVersion.count({ where: { segmentId: { in: ['extra-field', 'long-window'] } } }),
  ).toBe(0);
});
