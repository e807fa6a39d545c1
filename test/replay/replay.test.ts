// The replay suite: every committed history must replay against the current workflow code, so
// a change that would break journeys already running fails here, not in production.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { testDataConverter } from '../helpers/config';

const root = join(__dirname, 'histories');
const files = readdirSync(root).flatMap((version) =>
  readdirSync(join(root, version))
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(version, f)),
);
const load = (file: string) => historyFromJSON(JSON.parse(readFileSync(join(root, file), 'utf8')));

beforeAll(() => {
  // Replay logs every workflow task at INFO; keep the test output readable.
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // An earlier test file in this jest worker created the Runtime: keep its logger.
  }
});

test('there are committed histories to replay', () => {
  expect(files.length).toBeGreaterThan(0);
});

// With the tests' payload codec, as workers run: histories recorded before encryption (or stored
// decrypted) pass through it unchanged.
test.each(files)('%s replays against the current workflow code', async (file) => {
  await Worker.runReplayHistory(
    { workflowBundle: { codePath: process.env.KAIROS_TEST_WORKFLOW_BUNDLE! }, dataConverter: testDataConverter() },
    load(file),
  );
});

test('a non-deterministic change to the workflow is caught by the suite', async () => {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('./fixtures/nondeterministic-workflows'),
    logger: new DefaultLogger('ERROR'),
  });
  await expect(Worker.runReplayHistory({ workflowBundle: { code } }, load(files[0]!))).rejects.toThrow(
    DeterminismViolationError,
  );
});
