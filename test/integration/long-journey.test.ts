// A long journey with a busy customer on a real Temporal dev server that suggests continue-as-new
// after 40 history events: the journey's waits, its sends and 300 unrelated events must survive
// many runs with every effect exactly once.
//
// The dev server cannot skip time, so the "90-day" journey (3 x 30-day waits) runs here with
// 3-second waits; day-scale waits are covered on the time-skipping server (test/workflows/).
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { testDataConverter } from '../helpers/config';
import { NO_CONTACT_POLICY } from '../helpers/worker';
import { eventually, startWorld, type World } from '../helpers/world';
import { listen, type ApiServer } from './http';

const WAIT = '3s';
const PAGE_VIEWS = 300;
const BATCH = 100;

let world: World;
let api: ApiServer;
let relay: { stop(): Promise<void> } | undefined;
/** The busy customer of the first test, whose run chain the second test replays. */
let gus: string | undefined;

/** Three sends, each after a wait: the 90-day drip, scaled down. */
const drip = {
  name: 'Drip',
  entry: { event: 'journey_start', reentry: { mode: 'once' } },
  start: 'wait-1',
  steps: {
    'wait-1': { kind: 'wait', duration: WAIT, next: 'send-1' },
    'send-1': { kind: 'send', channel: 'email', template: 'drip-1', next: 'wait-2' },
    'wait-2': { kind: 'wait', duration: WAIT, next: 'send-2' },
    'send-2': { kind: 'send', channel: 'email', template: 'drip-2', next: 'wait-3' },
    'wait-3': { kind: 'wait', duration: WAIT, next: 'send-3' },
    'send-3': { kind: 'send', channel: 'email', template: 'drip-3', next: 'done' },
    done: { kind: 'exit' },
  },
};

/**
 * Enters on every page view and leaves at once: one 'entered' row per applied event. The schema
 * caps maxInstances at 100; as each instance exits at once, the cap never refuses an entry.
 */
const pageViews = {
  name: 'Page views',
  entry: { event: 'page_view', reentry: { mode: 'always' }, maxInstances: 100 },
  start: 'out',
  steps: { out: { kind: 'exit' } },
};

async function launch(id: string, definition: object): Promise<void> {
  expect((await api.request('POST', '/v1/programs', { json: { id, definition } })).status).toBe(201);
  const { body } = await api.request('POST', `/v1/programs/${id}/versions`);
  expect((await api.request('POST', `/v1/programs/${id}/launch`, { json: { version: body.version } })).status).toBe(
    200,
  );
}

beforeAll(async () => {
  world = await startWorld('dev-server', {
    devServerArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=40'],
    contactPolicy: NO_CONTACT_POLICY, // three sends seconds apart must not meet a frequency cap
  });
  api = await listen(world.api.app);
  for (const n of [1, 2, 3]) {
    const res = await api.request('PUT', `/v1/templates/drip-${n}`, {
      json: { subject: `Drip ${n}`, body: `<p>Part ${n}</p>` },
    });
    expect(res.status).toBe(200);
  }
  await launch('drip', drip);
  await launch('page-views', pageViews);
  // As in every API process: an event whose signal failed in the request (a slow server under a
  // loaded machine) is delivered by the outbox relay, not lost to the test.
  relay = world.api.relay.start(250);
}, 90_000);
afterAll(async () => {
  await relay?.stop();
  await api?.close();
  await world?.stop();
});

async function runsOf(workflowId: string): Promise<WorkflowExecutionInfo[]> {
  const runs: WorkflowExecutionInfo[] = [];
  for await (const run of world.env.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runs.push(run);
  return runs;
}

test(
  'a 3-wait journey with 300 events arriving while it waits spans several runs, ' + 'and every effect happens once',
  async () => {
    const { db } = world.database;
    const identified = await api.request('POST', '/v1/customers/identify', {
      json: { customer: { email: 'gus@example.com' } },
    });
    const id = (gus = identified.body.customerId as string);
    const customer = { id };
    const inbox = () => world.sink.store.list({ to: 'gus@example.com' });

    expect(
      (await api.request('POST', '/v1/events', { json: { eventId: 'gus-start', type: 'journey_start', customer } }))
        .status,
    ).toBe(202);
    // A third of the page views during each wait: they land while the drip is parked.
    for (let b = 0; b < PAGE_VIEWS / BATCH; b++) {
      const events = Array.from({ length: BATCH }, (_, i) => ({
        eventId: `gus-pv-${b}-${i}`,
        type: 'page_view',
        customer,
        properties: { page: `/p/${i}` },
      }));
      const res = await api.request('POST', '/v1/events/batch', { json: { events } });
      expect(res.status).toBe(207);
      expect(res.body).toMatchObject({ accepted: BATCH, rejected: 0 });
      await eventually(async () => inbox().length > b, 60_000, `drip message ${b + 1}`);
    }

    // Done: the drip has exited and every event has been applied.
    await eventually(
      async () =>
        (await db.journeyStep.count({
          where: { enrollmentId: 'drip/gus-start', kind: 'exit', outcome: 'exit_step' },
        })) > 0,
      60_000,
      'the drip to exit',
    );
    let seen = { eventsSeen: 0, undelivered: 0 };
    const state = await eventually(
      async () => {
        const s = await world.api.deps.customers.journeyState(id);
        seen = { eventsSeen: s.eventsSeen, undelivered: await db.event.count({ where: { deliveredAt: null } }) };
        return s.eventsSeen === PAGE_VIEWS + 1 && s.enrollments.length === 0 && s;
      },
      90_000,
      'all 301 events to be applied',
    ).catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(seen)}`);
    });
    expect(state.eventsSeen).toBe(301); // under the 1,000 ids kept for dedupe, so every id is still held
    expect(state.contactLog.map((c) => c.programId)).toEqual(['drip', 'drip', 'drip']);

    // At least two continue-as-new hand-overs: one running run, the rest continued as new.
    const runs = await eventually(
      async () => {
        const r = await runsOf(`customer:${id}`);
        return r.length >= 3 && r.filter((x) => x.status.name === 'RUNNING').length === 1 && r;
      },
      45_000,
      'the run chain in visibility',
    );
    expect(runs.filter((r) => r.status.name !== 'RUNNING').every((r) => r.status.name === 'CONTINUED_AS_NEW')).toBe(
      true,
    );
    expect(runs.find((r) => r.status.name === 'RUNNING')?.runId).toBe(state.run.runId);

    // Three messages, each sent once: at the sink and in the messages table.
    expect(
      inbox()
        .map((m) => m.subject)
        .sort(),
    ).toEqual(['Drip 1', 'Drip 2', 'Drip 3']);
    const messages = await db.message.findMany({ where: { customerId: id }, orderBy: { scheduledAt: 'asc' } });
    expect(messages.map((m) => [m.stepId, m.status])).toEqual([
      ['send-1', 'sent'],
      ['send-2', 'sent'],
      ['send-3', 'sent'],
    ]);

    // No event applied twice (or missed): exactly one entry per page view, none refused.
    // Step records are written in batches behind the journey: wait for the last batch.
    const entries = await eventually(
      async () => {
        const rows = await db.journeyStep.groupBy({
          by: ['programId', 'outcome'],
          where: { customerId: id, kind: 'enter' },
          _count: true,
        });
        return rows.reduce((n, r) => n + r._count, 0) >= PAGE_VIEWS + 1 && rows;
      },
      45_000,
      'every entry record',
    );
    expect(entries.map((e) => [e.programId, e.outcome, e._count]).sort()).toEqual([
      ['drip', 'entered', 1],
      ['page-views', 'entered', PAGE_VIEWS],
    ]);
    const drips = await db.journeyStep.findMany({ where: { enrollmentId: 'drip/gus-start' }, orderBy: { at: 'asc' } });
    expect(drips.filter((s) => s.kind === 'send').map((s) => [s.stepId, s.outcome])).toEqual([
      ['send-1', 'sent'],
      ['send-2', 'sent'],
      ['send-3', 'sent'],
    ]);
    expect(drips.filter((s) => s.kind === 'wait').map((s) => s.stepId)).toEqual(['wait-1', 'wait-2', 'wait-3']);

    // Every event was stored once and delivered inline (none left to the relay); the delivered
    // marks are written together, within a moment (src/ingestion/delivered-marks.ts).
    expect(await db.event.count({ where: { customerId: id } })).toBe(PAGE_VIEWS + 1);
    await eventually(
      async () => (await db.event.count({ where: { customerId: id, deliveredAt: null } })) === 0,
      5_000,
      'the delivered marks',
    );
  },
  180_000,
);

// Determinism: a worker restart, a cache eviction or a continue-as-new refused because a signal
// arrived (UnhandledCommand) replays a run from its history; every run must replay cleanly.
test("every run of the busy customer's workflow replays against the current workflow code", async () => {
  if (!gus) throw new Error('the journey test did not start');
  const runs = await runsOf(`customer:${gus}`);
  expect(runs.length).toBeGreaterThan(0);
  const histories = [];
  for (const r of runs)
    histories.push({
      workflowId: r.workflowId,
      history: await world.env.client.workflow.getHandle(r.workflowId, r.runId).fetchHistory(),
    });
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: { codePath: process.env.KAIROS_TEST_WORKFLOW_BUNDLE! }, dataConverter: testDataConverter() },
    histories,
  )) {
    if (result.error) failures.push(`${result.runId}: ${String(result.error).slice(0, 300)}`);
  }
  expect(failures).toEqual([]);
}, 60_000);
