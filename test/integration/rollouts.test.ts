// Staged rollouts on a real dev server: the ramp is a Temporal workflow per rollout. When the new
// version's sends fail (the sink answers 500 to its emails only), the guardrail on send failures
// rolls it back at the first evaluation that sees it; new entrants return to v1, customers on v2
// exit at their next step, and the audit log says why. A healthy rollout completes.
import { NO_CONTACT_POLICY } from '../helpers/worker';
import { eventually, startWorld, type World } from '../helpers/world';
import { customerIds, customerOf, names, finished, postEvents, publish, saveTemplates, stepsRecorded } from './admin';
import { listen, type ApiServer } from './http';

let world: World;
let api: ApiServer;

beforeAll(async () => {
  world = await startWorld('dev-server', { contactPolicy: NO_CONTACT_POLICY });
  api = await listen(world.api.app);
  await saveTemplates(api, {
    'first-a': 'First A',
    'second-a': 'Second A',
    'first-b': 'First B',
    'second-b': 'Second B',
  });
}, 90_000);
afterAll(async () => {
  await api?.close();
  await world?.stop();
});

/** Two emails a second apart: the second shows who carried on after a rollback. */
const twoSends = (variant: 'a' | 'b') => ({
  name: 'Two sends',
  entry: { event: 'visit' },
  start: 'first',
  steps: {
    first: { kind: 'send', channel: 'email', template: `first-${variant}`, next: 'pause' },
    pause: { kind: 'wait', duration: '1s', next: 'second' },
    second: { kind: 'send', channel: 'email', template: `second-${variant}`, next: 'done' },
    done: { kind: 'exit' },
  },
});

/** The sink's fault switch: the provider failing, from outside, as in production. */
const sinkFaults = (method: 'POST' | 'DELETE', spec?: object) =>
  fetch(`${world.sink.url}/_sink/faults`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: spec ? JSON.stringify(spec) : undefined,
  });
const subjectsTo = (email: string) =>
  world.sink.store
    .list({ to: email })
    .map((m) => m.subject)
    .sort();

async function release(program: string): Promise<void> {
  expect(await publish(api, program, twoSends('a'))).toBe(1);
  expect((await api.request('POST', `/v1/programs/${program}/launch`, { json: { version: 1 } })).status).toBe(200);
  expect(await publish(api, program, twoSends('b'))).toBe(2);
}

test(
  'a breach of the send-failure guardrail rolls v2 back at the ' +
    'first evaluation that sees it, and the audit log says why',
  async () => {
    const { db } = world.database;
    await release('ramp');
    expect((await sinkFaults('POST', { status: 500, subjectContains: 'First B' })).status).toBe(200);
    const started = await api.request('POST', '/v1/programs/ramp/rollouts', {
      json: {
        toVersion: 2,
        plan: [
          { percent: 50, dwellMs: 600_000 },
          { percent: 100, dwellMs: 600_000 },
        ],
        evaluationIntervalMs: 2000,
        guardrails: { minSamples: 5 },
      },
    });
    expect(started.status).toBe(201);
    const rolloutId = started.body.id as string;

    const before = names('before', 40);
    await postEvents(
      api,
      before.map((n) => ({ type: 'visit', customer: customerOf(n) })),
    );
    const rolledBack = await eventually(
      async () => {
        const r = (await api.request('GET', `/v1/rollouts/${rolloutId}`)).body;
        return r.status === 'rolled_back' ? r : undefined;
      },
      90_000,
      'the rollback',
    );
    expect(rolledBack.reason).toMatch(/^sendFailureRate \d+\.\d% on the new version against 0\.0% on the current one/);
    // Acted on at once: the only evaluation with a breach is the last one.
    const breaches = rolledBack.evaluations.filter((e: { breach: string | null }) => e.breach !== null);
    expect(breaches).toHaveLength(1);
    expect(rolledBack.evaluations.at(-1).breach).toBe(rolledBack.reason);
    expect(rolledBack.evaluations.at(-1).metrics.candidate.messages).toBeGreaterThanOrEqual(5);

    const audit = (await api.request('GET', '/v1/audit?resource=program:ramp&limit=5')).body.entries;
    expect(audit[0]).toMatchObject({
      actor: `rollout:${rolloutId}`,
      action: 'rollout.rollback',
      after: { liveVersion: 1, reason: rolledBack.reason },
    });
    const version2 = (await api.request('GET', '/v1/programs/ramp/versions')).body.find(
      (v: { version: number }) => v.version === 2,
    );
    expect(version2.retiredReason).toBe(rolledBack.reason);

    // New entrants are back on v1.
    const after = names('after', 10);
    await postEvents(
      api,
      after.map((n) => ({ type: 'visit', customer: customerOf(n) })),
    );
    const afterIds = [...(await customerIds(db, after)).values()];
    await stepsRecorded(
      db,
      { customerId: { in: afterIds }, kind: 'enter', outcome: 'entered' },
      10,
      'the new entrants',
    );
    expect(await db.journeyStep.count({ where: { customerId: { in: afterIds }, kind: 'enter', version: 1 } })).toBe(10);

    // v2's customers exit at their next step. A send already under way (stuck on the failing
    // provider) completes once the provider recovers, as it may already have been accepted; a send
    // not yet begun never starts. No second email on v2, and v1's customers finish normally.
    expect((await sinkFaults('DELETE')).status).toBe(204);
    const beforeIds = await customerIds(db, before);
    await finished(db, [...beforeIds.values()], 'the first customers to finish');
    const onV2 = await db.journeyStep.findMany({
      where: { customerId: { in: [...beforeIds.values()] }, kind: 'enter', version: 2 },
    });
    expect(onV2.length).toBeGreaterThanOrEqual(5);
    for (const n of before) {
      const id = beforeIds.get(n)!;
      if (!onV2.some((e) => e.customerId === id)) {
        expect(subjectsTo(`${n}@example.com`)).toEqual(['First A', 'Second A']);
        continue;
      }
      expect(['', 'First B']).toContain(subjectsTo(`${n}@example.com`).join());
      const exits = await db.journeyStep.findMany({
        where: { customerId: id, kind: 'exit', stepId: { in: ['first', 'pause'] } },
      });
      expect(exits.map((e) => e.outcome)).toEqual(['version rolled back']);
    }
    expect(world.sink.store.list({}).filter((m) => m.subject === 'Second B')).toEqual([]);
  },
);

test('a healthy rollout ramps through its plan and makes the new version live', async () => {
  await release('smooth');
  const started = await api.request('POST', '/v1/programs/smooth/rollouts', {
    json: {
      toVersion: 2,
      plan: [
        { percent: 10, dwellMs: 500 },
        { percent: 100, dwellMs: 500 },
      ],
      evaluationIntervalMs: 250,
    },
  });
  expect(started.status).toBe(201);
  const done = await eventually(
    async () => {
      const r = (await api.request('GET', `/v1/rollouts/${started.body.id}`)).body;
      return r.status === 'completed' ? r : undefined;
    },
    60_000,
    'the rollout to complete',
  );
  expect(done.percent).toBe(100);
  expect((await api.request('GET', '/v1/programs/smooth')).body).toMatchObject({ status: 'live', liveVersion: 2 });
  const actions = (await api.request('GET', '/v1/audit?resource=program:smooth')).body.entries.map(
    (e: { action: string }) => e.action,
  );
  expect(actions.slice(0, 4)).toEqual(['rollout.complete', 'rollout.stage', 'rollout.stage', 'rollout.start']);
  // A second rollout while none runs is fine; to the live version itself it is refused.
  const again = await api.request('POST', '/v1/programs/smooth/rollouts', { json: { toVersion: 2 } });
  expect(again.status).toBe(422);
  expect(again.body.errors).toEqual([{ path: '$.toVersion', message: 'version 2 is already live' }]);
});
