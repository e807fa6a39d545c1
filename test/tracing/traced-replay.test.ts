// Turning tracing on must not break a journey already running: a traced worker replays histories
// written without tracing. The committed histories (test/replay) replay against the workflow code
// bundled with the tracing interceptors and their sink, as a traced worker bundles it. The other
// way, a traced history on an untraced worker, is in traces.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resource } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { TRACING_WORKFLOW_MODULE, workerTracing } from '../../src/tracing/temporal-tracing';
import { WORKFLOWS_PATH } from '../../src/worker/create-worker';
import { testDataConverter } from '../helpers/config';

const root = join(__dirname, '../replay/histories');
const files = readdirSync(root).flatMap((version) =>
  readdirSync(join(root, version))
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(version, f)),
);
const load = (file: string) => historyFromJSON(JSON.parse(readFileSync(join(root, file), 'utf8')));

let code: string;

beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // An earlier test file in this jest worker created the Runtime: keep its logger.
  }
  ({ code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: [TRACING_WORKFLOW_MODULE],
    logger: new DefaultLogger('ERROR'),
  }));
});

test('the bundle carries the tracing interceptors, and there are histories to replay', () => {
  // The workflow tracer's name, set where the interceptors create it.
  expect(code).toContain('@temporalio/interceptor-workflow');
  expect(files.length).toBeGreaterThan(0);
});

test.each(files)('%s replays with the tracing interceptors', async (file) => {
  const tracing = workerTracing({
    resource: new Resource({}),
    processor: new SimpleSpanProcessor(new InMemorySpanExporter()),
    shutdown: async () => undefined,
  });
  await Worker.runReplayHistory(
    { workflowBundle: { code }, dataConverter: testDataConverter(), sinks: tracing.sinks },
    load(file),
  );
});
