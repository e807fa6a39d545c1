// `kairos history export` and `kairos replay` against the Temporal dev server: a customer workflow
// recorded there round-trips through JSON files and replays, and replays straight from the
// server by workflow id and by visibility query.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installQuietRuntime } from '../../src/cli/cli-context';
import { run } from '../../src/cli/kairos';
import { customerWorkflowId } from '../../src/temporal/addressing';
import { temporalCliPath } from '../../src/temporal/binaries';
import { fixtureTemplateIds, postPurchaseCrossSell } from '../programs/fixtures';
import { launchProgram, seedCatalogue, seedTemplates } from '../helpers/seed';
import { TEST_PAYLOAD_KEYS } from '../helpers/config';
import { eventually, startWorld, type World } from '../helpers/world';
import { stepRecord } from '../workflows/helpers';
import { captureIo } from './cli-io';

let world: World;
let scratch: string;
let customerId: string;

beforeAll(async () => {
  installQuietRuntime();
  world = await startWorld('dev-server');
  scratch = mkdtempSync(join(tmpdir(), 'kairos-export-'));
  const { db } = world.database;
  await seedTemplates(db, fixtureTemplateIds);
  await seedCatalogue(db);
  await launchProgram(db, 'cross-sell', postPurchaseCrossSell);
  customerId = await world.api.deps.identity.identify({
    customer: { email: 'simona@example.com', loyaltyId: 'LOYAL-1' },
    timezone: 'Europe/Ljubljana',
  });
  await world.api.deps.ingestion.ingest({
    eventId: 'purchase-1',
    type: 'purchase',
    customer: { loyaltyId: 'LOYAL-1' },
    properties: { orderId: 'o-1' },
  });
  await stepRecord(world, customerId, { kind: 'enter', outcome: 'entered' });
});
afterAll(async () => {
  await world?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/**
 * The CLI's settings: this test's dev server and payload key (its histories are encrypted), and
 * no DATABASE_URL (replay and export need none).
 */
const temporalEnv = () => ({
  TEMPORAL_ADDRESS: world.env.address,
  TEMPORAL_NAMESPACE: world.env.namespace ?? 'default',
  KAIROS_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
});
const bundle = () => process.env.KAIROS_TEST_WORKFLOW_BUNDLE!;

test('an exported history replays from its file against the current code', async () => {
  const workflowId = customerWorkflowId(customerId);
  const out = join(scratch, 'by-id');
  const exported = captureIo();
  expect(
    await run(['history', 'export', '--workflow-id', workflowId, '--out', out], exported, { env: temporalEnv() }),
  ).toBe(0);
  expect(exported.text()).toContain(`exported 1 history to ${out}`);
  const files = readdirSync(out);
  expect(files).toEqual([expect.stringMatching(new RegExp(`^${encodeURIComponent(workflowId)}@[0-9a-f-]+\\.json$`))]);

  const replayed = captureIo();
  expect(await run(['replay', '--file', out, '--bundle', bundle()], replayed, { env: temporalEnv() })).toBe(0);
  expect(replayed.text()).toContain(`ok                ${workflowId} run `);
  expect(replayed.text()).toContain('replayed 1 history: 1 ok, 0 nondeterministic, 0 failed');

  // The file keeps the payloads as Temporal stores them, encrypted: without the key it cannot replay.
  const keyless = captureIo();
  expect(await run(['replay', '--file', out, '--bundle', bundle()], keyless, { env: {} })).toBe(1);
  expect(keyless.text()).toContain('replayed 1 history: 0 ok, 0 nondeterministic, 1 failed');
  // With other keys only, the failure names the key the history needs.
  const otherKey = { KAIROS_PAYLOAD_KEYS: `other:${Buffer.alloc(32, 1).toString('base64')}` };
  const wrongKey = captureIo();
  expect(await run(['replay', '--file', out, '--bundle', bundle()], wrongKey, { env: otherKey })).toBe(1);
  expect(wrongKey.text()).toContain(
    '\n  a payload is encrypted with key "test-1", which KAIROS_PAYLOAD_KEYS does not list (it lists "other")\n',
  );
  expect(wrongKey.text()).toContain('replayed 1 history: 0 ok, 0 nondeterministic, 1 failed');
});

test('the JSON `temporal workflow show --output json` writes replays too, under its recorded workflow id', async () => {
  const workflowId = customerWorkflowId(customerId);
  const args = [
    'workflow',
    'show',
    '--address',
    world.env.address,
    '--namespace',
    world.env.namespace ?? 'default',
    '--workflow-id',
    workflowId,
    '--output',
    'json',
  ];
  const file = join(scratch, 'shown.json');
  writeFileSync(file, execFileSync(temporalCliPath(process.env)!, args, { encoding: 'utf8' }));

  const io = captureIo();
  expect(await run(['replay', '--file', file, '--bundle', bundle()], io, { env: temporalEnv() })).toBe(0);
  expect(io.text()).toContain(`ok                ${workflowId} run `);
});

test('replay fetches the history from the server by workflow id', async () => {
  const io = captureIo();
  expect(
    await run(['replay', '--workflow-id', customerWorkflowId(customerId), '--bundle', bundle()], io, {
      env: temporalEnv(),
    }),
  ).toBe(0);
  expect(io.text()).toContain(`ok                ${customerWorkflowId(customerId)} run `);
  expect(io.text()).toContain('replayed 1 history: 1 ok');
});

test('replay and export take every workflow a visibility query lists', async () => {
  const query = `WorkflowType='customerWorkflow' AND KairosCustomerId='${customerId}'`;
  // Visibility is eventually consistent: wait until the query lists the workflow.
  const replayed = await eventually(
    async () => {
      const io = captureIo();
      const code = await run(['replay', '--query', query, '--concurrency', '2', '--bundle', bundle()], io, {
        env: temporalEnv(),
      });
      return code === 0 && io.text().includes('replayed 1 history: 1 ok') && io.text();
    },
    45_000,
    'the workflow in visibility',
  );
  expect(replayed).toContain(customerWorkflowId(customerId));

  const out = join(scratch, 'by-query');
  const io = captureIo();
  expect(await run(['history', 'export', '--query', query, '--out', out], io, { env: temporalEnv() })).toBe(0);
  expect(readdirSync(out)).toHaveLength(1);
});
