// A customer whose workflow continued as new, on the dev server (which suggests continue-as-new
// after 40 events here): the trace walks the run chain, the enrollment carried over is still
// pending, and every run of the chain replays.
import { installQuietRuntime } from '../../src/cli/cli-context';
import { run } from '../../src/cli/kairos';
import { customerWorkflowId } from '../../src/temporal/addressing';
import { buildTrace } from '../../src/trace/build-trace';
import { captureIo } from '../cli/cli-io';
import { fixtureTemplateIds, postPurchaseCrossSell } from '../programs/fixtures';
import { TEST_PAYLOAD_KEYS } from '../helpers/config';
import { referenceEventTypes } from '../helpers/referenced';
import { launchProgram, seedCatalogue, seedTemplates } from '../helpers/seed';
import { eventually, startWorld, type World } from '../helpers/world';
import { stepRecord } from '../workflows/helpers';

let world: World;

beforeAll(async () => {
  installQuietRuntime();
  world = await startWorld('dev-server', {
    devServerArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=40'],
  });
  const { db } = world.database;
  await seedTemplates(db, fixtureTemplateIds);
  await seedCatalogue(db);
  await launchProgram(db, 'cross-sell', postPurchaseCrossSell);
  // Page views reach the workflow only while a program version names them: one nobody enters.
  await referenceEventTypes(world.api.deps.programs, ['page_view']);
});
afterAll(() => world?.stop());

test('the trace of a continued-as-new workflow covers every run and still shows the carried wait', async () => {
  const id = await world.api.deps.identity.identify({ customer: { email: 'simona@example.com' } });
  const ingest = (eventId: string, type: string) =>
    world.api.deps.ingestion.ingest({ eventId, type, customer: { email: 'simona@example.com' }, properties: {} });
  await ingest('purchase-1', 'purchase');
  await stepRecord(world, id, { kind: 'enter', outcome: 'entered' });
  // Events no journey acts on: each one grows the history until the server suggests a new run.
  for (let i = 0; i < 15; i++) await ingest(`view-${i}`, 'page_view');
  await eventually(async () => (await world.api.deps.customers.runs(id)).runs.length >= 2, 30_000, 'a continue-as-new');
  await eventually(
    async () => (await world.api.deps.customers.journeyState(id)).eventsSeen === 16,
    30_000,
    'all events applied',
  );

  const trace = (await buildTrace(world.api.deps, id))!;
  const runs = trace.entries.filter((e) => e.kind === 'run').map((e) => e.summary);
  expect(runs[0]).toMatch(/^run \w{8} started$/);
  expect(runs).toContainEqual(expect.stringMatching(/^continued as new: run \w{8}$/));
  expect(runs).toContainEqual(
    expect.stringMatching(/^run \w{8} started, continued from \w{8} with 1 enrollment\(s\)$/),
  );
  const received = trace.entries.filter((e) => e.kind === 'event').map((e) => e.summary);
  expect(received).toEqual([
    'received purchase purchase-1',
    ...Array.from({ length: 15 }, (_, i) => `received page_view view-${i}`),
  ]);
  expect(trace.pending).toEqual([expect.objectContaining({ kind: 'wait', program: 'cross-sell', step: 'wait-visit' })]);

  const latestOnly = (await buildTrace(world.api.deps, id, { maxRuns: 1 }))!;
  expect(latestOnly.warnings).toEqual([expect.stringMatching(/^only the latest 1 runs are shown/)]);

  const io = captureIo();
  // The CLI's settings: this test's server and its payload key (the histories are encrypted).
  const env = {
    TEMPORAL_ADDRESS: world.env.address,
    TEMPORAL_NAMESPACE: world.env.namespace ?? 'default',
    KAIROS_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
  };
  const bundle = process.env.KAIROS_TEST_WORKFLOW_BUNDLE!;
  expect(
    await run(['replay', '--workflow-id', customerWorkflowId(id), '--all-runs', '--bundle', bundle], io, { env }),
  ).toBe(0);
  const chain = (await world.api.deps.customers.runs(id)).runs.length;
  expect(io.text()).toContain(`replayed ${chain} histories: ${chain} ok, 0 nondeterministic, 0 failed`);
});
