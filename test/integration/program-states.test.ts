// Program states and releases on a real dev server, as docs/ARCHITECTURE.md ("Program states")
// promises: paused takes no entrants and holds customers before their next send until resumed;
// stopped makes customers exit at their next step; a release's step map moves waiting customers
// onto the new version at their next step. Plus diffs, repeat publishes and analytics.
import { NO_CONTACT_POLICY, TEST_CONTROL_TIMING } from '../helpers/worker';
import { eventually, startWorld, type World } from '../helpers/world';
import {
  customerIds,
  customerOf,
  names,
  finished,
  offerProgram,
  postEvents,
  publish,
  saveTemplates,
  stepsRecorded,
} from './admin';
import { listen, type ApiServer } from './http';

let world: World;
let api: ApiServer;

beforeAll(async () => {
  world = await startWorld('dev-server', { contactPolicy: NO_CONTACT_POLICY });
  api = await listen(world.api.app);
  await saveTemplates(api, { 'offer-a': 'Offer A', 'offer-new': 'Offer New' });
}, 90_000);
afterAll(async () => {
  await api?.close();
  await world?.stop();
});

const mailTo = (n: string) => world.sink.store.list({ to: `${n}@example.com` }).map((m) => m.subject);
/**
 * Customers act on a program state at most `cacheMs` old (docs/ARCHITECTURE.md, "Program states"):
 * after a change, a test lets that long pass before it moves them.
 */
const settle = () => new Promise((r) => setTimeout(r, TEST_CONTROL_TIMING.cacheMs + 100));
const state = async (program: string, action: string) => {
  const res = await api.request('POST', `/v1/programs/${program}/${action}`);
  await settle();
  return res;
};

/** Each program enters on its own event, so one test's customers never join another's program. */
async function enter(program: string, people: string[]): Promise<string[]> {
  await postEvents(
    api,
    people.map((n) => ({ type: `visit-${program}`, customer: customerOf(n) })),
  );
  const ids = [...(await customerIds(world.database.db, people)).values()];
  await stepsRecorded(
    world.database.db,
    { programId: program, customerId: { in: ids }, kind: 'enter', outcome: 'entered' },
    people.length,
    `${people.length} entries`,
  );
  return ids;
}

test('paused: no new entries, customers hold before their send; resumed: they send once each', async () => {
  const { db } = world.database;
  expect(await publish(api, 'pausing', offerProgram('offer-a', 'visit-pausing'))).toBe(1);
  expect((await api.request('POST', '/v1/programs/pausing/launch', { json: { version: 1 } })).status).toBe(200);
  const waiting = names('paused', 5);
  await enter('pausing', waiting);

  expect((await state('pausing', 'pause')).body.status).toBe('paused');
  // A newcomer's visit is applied by their workflow, and enters nothing.
  await postEvents(api, [{ type: 'visit-pausing', customer: customerOf('latecomer') }]);
  const [latecomer] = (await customerIds(db, ['latecomer'])).values();
  const journey = await eventually(
    async () => {
      const res = await api.request('GET', `/v1/customers/${latecomer}/journey`);
      return res.status === 200 && res.body.eventsSeen === 1 ? res.body : undefined;
    },
    30_000,
    "the latecomer's visit to be applied",
  );
  expect(journey.enrollments).toEqual([]);

  await postEvents(
    api,
    waiting.map((n) => ({ type: 'continue', customer: customerOf(n) })),
  );
  await stepsRecorded(db, { programId: 'pausing', kind: 'send', outcome: 'held' }, 5, 'five customers held');
  for (const n of waiting) expect(mailTo(n)).toEqual([]);

  expect((await state('pausing', 'resume')).body.status).toBe('live');
  await finished(db, [...(await customerIds(db, waiting)).values()], 'the held customers to finish');
  for (const n of waiting) expect(mailTo(n)).toEqual(['Offer A']);
});

test('stopped: customers exit at their next step without their email; archived stays archived', async () => {
  const { db } = world.database;
  expect(await publish(api, 'stopping', offerProgram('offer-a', 'visit-stopping'))).toBe(1);
  expect((await api.request('POST', '/v1/programs/stopping/launch', { json: { version: 1 } })).status).toBe(200);
  const waiting = names('stopped', 5);
  const ids = await enter('stopping', waiting);

  expect((await state('stopping', 'stop')).body.status).toBe('stopped');
  await postEvents(
    api,
    waiting.map((n) => ({ type: 'continue', customer: customerOf(n) })),
  );
  await finished(db, ids, 'the customers to leave');
  const exits = await db.journeyStep.findMany({ where: { programId: 'stopping', kind: 'exit' } });
  expect(exits.map((e) => [e.stepId, e.outcome])).toEqual(ids.map(() => ['offer', 'program stopped']));
  for (const n of waiting) expect(mailTo(n)).toEqual([]);

  const resumed = await state('stopping', 'resume');
  expect(resumed.status).toBe(409);
  expect(resumed.body.detail).toBe('cannot resume a stopped program: only from paused');
  expect((await state('stopping', 'archive')).body.status).toBe('archived');
  expect((await api.request('POST', '/v1/programs/stopping/launch', { json: { version: 1 } })).status).toBe(409);

  const analytics = (await api.request('GET', '/v1/programs/stopping/analytics')).body;
  expect(analytics.versions).toEqual([
    expect.objectContaining({
      version: 1,
      variant: null,
      entered: 5,
      active: 0,
      completed: 0,
      exits: { 'program stopped': 5 },
    }),
  ]);
  expect(analytics.versions[0].steps.offer.exits).toEqual({ 'program stopped': 5 });
});

test("a release's step map moves waiting customers onto the new version at their next step", async () => {
  const { db } = world.database;
  expect(await publish(api, 'moving', offerProgram('offer-a', 'visit-moving'))).toBe(1);
  expect((await api.request('POST', '/v1/programs/moving/launch', { json: { version: 1 } })).status).toBe(200);
  const waiting = names('moving', 3);
  const ids = await enter('moving', waiting);

  const v2 = offerProgram('offer-new', 'visit-moving') as { steps: Record<string, unknown> };
  v2.steps = {
    hold: { ...(v2.steps.hold as object), next: { matched: 'offer-new', timedOut: 'done' } },
    'offer-new': v2.steps.offer,
    done: v2.steps.done,
  };
  expect((await api.request('PUT', '/v1/programs/moving/draft', { json: { definition: v2 } })).status).toBe(200);
  const badMap = await api.request('POST', '/v1/programs/moving/versions', {
    json: { migrate: { fromVersion: 1, steps: { offer: 'nowhere' } } },
  });
  expect(badMap.status).toBe(422);
  expect(badMap.body.errors).toEqual([
    { path: '$.migrate.steps.offer', message: 'the new version has no step "nowhere"' },
  ]);
  const published = await api.request('POST', '/v1/programs/moving/versions', {
    json: { migrate: { fromVersion: 1, steps: { offer: 'offer-new' } } },
  });
  expect(published.body).toEqual({ programId: 'moving', version: 2, unchanged: false });
  const again = await api.request('POST', '/v1/programs/moving/versions', {});
  expect([again.status, again.body]).toEqual([200, { programId: 'moving', version: 2, unchanged: true }]);

  const diff = (await api.request('GET', '/v1/programs/moving/diff?from=1&to=2')).body;
  expect(diff.steps).toEqual({ added: ['offer-new'], removed: ['offer'], changed: ['hold'] });
  expect(diff.patch).toEqual(expect.arrayContaining([{ op: 'remove', path: '/steps/offer' }]));

  expect((await api.request('POST', '/v1/programs/moving/launch', { json: { version: 2 } })).status).toBe(200);
  await settle();
  await postEvents(
    api,
    waiting.map((n) => ({ type: 'continue', customer: customerOf(n) })),
  );
  await finished(db, ids, 'the moved customers to finish');
  for (const n of waiting) expect(mailTo(n)).toEqual(['Offer New']);
  const moves = await db.journeyStep.findMany({ where: { programId: 'moving', kind: 'migrate' } });
  expect(moves.map((m) => [m.version, m.stepId, m.detail])).toEqual(
    ids.map(() => [1, 'offer', { fromVersion: 1, toVersion: 2, toStep: 'offer-new' }]),
  );
});
