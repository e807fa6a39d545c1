// The rules around releases, over HTTP on the time-skipping server: one experiment or rollout at
// a time, manual promotion and stopping, aborting a rollout (its controller workflow ends), and
// the 4xx answers that name the field and the reason.
import { experimentWorkflowId, rolloutWorkflowId } from '../../src/temporal/addressing';
import { seedTemplates } from '../helpers/seed';
import { startWorld, type World } from '../helpers/world';
import { offerProgram, publish } from './admin';
import { listen, type ApiServer } from './http';

let world: World;
let api: ApiServer;

beforeAll(async () => {
  world = await startWorld('time-skipping');
  api = await listen(world.api.app);
  await seedTemplates(world.database.db, ['offer-a', 'offer-b']);
  expect(await publish(api, 'rules', offerProgram('offer-a'))).toBe(1);
  expect(await publish(api, 'rules', offerProgram('offer-b'))).toBe(2);
});
afterAll(async () => {
  await api?.close();
  await world?.stop();
});

const post = (path: string, json?: unknown) => api.request('POST', path, json === undefined ? {} : { json });
const actions = async () =>
  (await api.request('GET', '/v1/audit?resource=program:rules')).body.entries.map((e: { action: string }) => e.action);

test('experiments and rollouts need a live program, valid versions, and one at a time', async () => {
  const notLive = await post('/v1/programs/rules/experiments', { variants: [{ name: 'b', version: 2 }] });
  expect([notLive.status, notLive.body.detail]).toEqual([
    409,
    'program rules is draft: experiments run on live programs',
  ]);
  expect((await post('/v1/programs/rules/launch', { version: 1 })).status).toBe(200);

  const bad = await post('/v1/programs/rules/experiments', {
    variants: [
      { name: 'holdout', version: 9 },
      { name: 'x', version: 9 },
    ],
    holdout: 0.7,
  });
  expect(bad.status).toBe(400);
  expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['$.holdout', '$.variants[0].name']);
  const missing = await post('/v1/programs/rules/experiments', { variants: [{ name: 'b', version: 9 }] });
  expect([missing.status, missing.body.errors]).toEqual([
    422,
    [{ path: '$.variants[0].version', message: 'version 9 does not exist' }],
  ]);

  const experiment = await post('/v1/programs/rules/experiments', {
    variants: [
      { name: 'a', version: 1 },
      { name: 'b', version: 2 },
    ],
  });
  expect(experiment.status).toBe(201);
  const busy = await post('/v1/programs/rules/rollouts', { toVersion: 2 });
  expect([busy.status, busy.body.detail]).toEqual([
    409,
    `experiment ${experiment.body.id} is running for program rules`,
  ]);
  expect((await post('/v1/programs/rules/launch', { version: 2 })).status).toBe(409);

  const results = (await api.request('GET', `/v1/experiments/${experiment.body.id}/results`)).body;
  expect(results).toMatchObject({
    winner: null,
    holdout: { entered: 0, converted: 0 },
    variants: { a: { entered: 0, conversionRate: null }, b: { entered: 0 } },
  });
  const wrong = await post(`/v1/experiments/${experiment.body.id}/promote`, { variant: 'c' });
  expect([wrong.status, wrong.body.errors]).toEqual([
    422,
    [{ path: '$.variant', message: `experiment ${experiment.body.id} has no variant "c"` }],
  ]);
  expect((await post(`/v1/experiments/${experiment.body.id}/promote`, { variant: 'b' })).body).toMatchObject({
    status: 'promoted',
    winner: 'b',
  });
  expect((await api.request('GET', '/v1/programs/rules')).body.liveVersion).toBe(2);
  expect((await post(`/v1/experiments/${experiment.body.id}/stop`)).body.status).toBe('promoted');
  expect((await actions()).slice(0, 2)).toEqual(['experiment.promote', 'experiment.start']);
});

test('an aborted rollout sends entrants back at once, and its controller workflow ends', async () => {
  const rollout = await post('/v1/programs/rules/rollouts', {
    toVersion: 1,
    plan: [
      { percent: 50, dwellMs: 3_600_000 },
      { percent: 100, dwellMs: 3_600_000 },
    ],
    evaluationIntervalMs: 60_000,
  });
  expect(rollout.status).toBe(201);
  expect((await post(`/v1/rollouts/${rollout.body.id}/abort`)).body).toMatchObject({ status: 'aborted', percent: 0 });
  const result = await world.env.client.workflow.getHandle(rolloutWorkflowId(rollout.body.id)).result();
  expect(result).toEqual({ status: 'aborted' });
  expect((await api.request('GET', '/v1/programs/rules')).body.liveVersion).toBe(2);
  expect((await actions())[0]).toBe('rollout.abort');

  const stopped = await post('/v1/programs/rules/stop');
  expect(stopped.body.status).toBe('stopped');
  const late = await post('/v1/programs/rules/rollouts', { toVersion: 1 });
  expect([late.status, late.body.detail]).toEqual([409, 'program rules is stopped: rollouts run on live programs']);
});

test('stopping an auto-promoting experiment by hand ends its controller with no winner', async () => {
  expect(await publish(api, 'auto', offerProgram('offer-a', 'visit-auto'))).toBe(1);
  expect(await publish(api, 'auto', offerProgram('offer-b', 'visit-auto'))).toBe(2);
  expect((await post('/v1/programs/auto/launch', { version: 1 })).status).toBe(200);
  const experiment = await post('/v1/programs/auto/experiments', {
    variants: [
      { name: 'a', version: 1 },
      { name: 'b', version: 2 },
    ],
    winnerRule: { autoPromote: true, evaluationIntervalMs: 3_600_000 },
  });
  expect(experiment.status).toBe(201);
  expect((await post(`/v1/experiments/${experiment.body.id}/stop`)).body.status).toBe('stopped');
  const controller = world.env.client.workflow.getHandle(experimentWorkflowId(experiment.body.id));
  expect(await controller.result()).toEqual({ winner: null });
  expect((await api.request('GET', '/v1/programs/auto')).body.liveVersion).toBe(1);
});
