// Worker Versioning on the Temporal dev server, driven through `kairos deploy`: a customer who
// started on build A stays pinned to A after B becomes current, new customers start on B, and a
// ramp sends new customers to C. Each build sends from its own address, so the sink shows which
// build ran a send.
import type { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { createApiServices } from '../../src/api/api-services';
import { installQuietRuntime } from '../../src/cli/cli-context';
import { run } from '../../src/cli/kairos';
import { createSendGridSender } from '../../src/messaging/sendgrid-sender';
import { startSink, type RunningSink } from '../../src/messaging/sink/start-sink';
import type { ProgramDefinitionInput } from '../../src/programs/types';
import { customerWorkflowId } from '../../src/temporal/addressing';
import { createKairosWorker } from '../../src/worker/create-worker';
import { captureIo } from '../cli/cli-io';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { launchProgram, seedTemplates } from '../helpers/seed';
import { startDevServer } from '../helpers/temporal';
import { NO_CONTACT_POLICY, TEST_CONTROL_TIMING, testLogger, testUnsubscribeLinks, testWebhooks } from '../helpers/worker';
import { eventually } from '../helpers/world';

const DEPLOYMENT = 'kairos-test';
const TASK_QUEUE = 'kairos-versioned';

/** Welcome, then a month's wait: the customer's workflow stays open, pinned to its build. */
const welcome: ProgramDefinitionInput = {
  name: 'Welcome',
  entry: { event: 'signup' },
  start: 'send-welcome',
  steps: {
    'send-welcome': { kind: 'send', channel: 'email', template: 'welcome', next: 'wait-a-month' },
    'wait-a-month': { kind: 'wait', duration: '30d', next: 'done' },
    done: { kind: 'exit' },
  },
};

const nudge: ProgramDefinitionInput = {
  name: 'Nudge',
  entry: { event: 'visit', reentry: { mode: 'always' } },
  start: 'send-nudge',
  steps: { 'send-nudge': { kind: 'send', channel: 'email', template: 'nudge', next: 'done' }, done: { kind: 'exit' } },
};

let database: TestDatabase;
let sink: RunningSink;
let env: TestWorkflowEnvironment;
let services: ReturnType<typeof createApiServices>;
const workers: { worker: Worker; running: Promise<void> }[] = [];

beforeAll(async () => {
  installQuietRuntime();
  database = await createTestDatabase();
  sink = await startSink({ port: 0 });
  env = await startDevServer();
  await seedTemplates(database.db, ['welcome', 'nudge']);
  await launchProgram(database.db, 'welcome', welcome);
  await launchProgram(database.db, 'nudge', nudge);
  // The API's services, delivering events to the versioned workers' task queue.
  services = createApiServices({ db: database.db, client: env.client, taskQueue: TASK_QUEUE, logger: testLogger, bootstrapKey: undefined });
}, 90_000);
afterAll(async () => {
  for (const { worker } of workers) worker.shutdown();
  await Promise.all(workers.map((w) => w.running));
  await env?.teardown();
  await sink?.close();
  await database?.drop();
});

/** A worker serving `buildId` of the test deployment, sending from build-<id>@kairos.test. */
async function startBuild(buildId: string): Promise<void> {
  const worker = await createKairosWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: TASK_QUEUE,
    workflowBundle: { codePath: process.env.KAIROS_TEST_WORKFLOW_BUNDLE! },
    deployment: { deploymentName: DEPLOYMENT, buildId },
    deps: {
      db: database.db,
      email: createSendGridSender({ apiKey: 'SG.test-key', baseUrl: sink.url }),
      emailFrom: fromBuild(buildId),
      logger: testLogger,
      contactPolicy: NO_CONTACT_POLICY,
      unsubscribe: testUnsubscribeLinks,
      webhooks: testWebhooks,
      controlTiming: TEST_CONTROL_TIMING,
    },
  });
  workers.push({ worker, running: worker.run() });
}

const fromBuild = (buildId: string) => `build-${buildId.toLowerCase()}@kairos.test`;

async function kairos(...argv: string[]): Promise<string> {
  const io = captureIo();
  const code = await run(argv, io, { env: { TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: env.namespace ?? 'default', KAIROS_DEPLOYMENT_NAME: DEPLOYMENT } });
  if (code !== 0) throw new Error(`kairos ${argv.join(' ')} exited ${code}:\n${io.text()}`);
  return io.text();
}

async function post(email: string, eventId: string, type: string): Promise<string> {
  const customerId = await services.deps.identity.identify({ customer: { email } });
  await services.deps.ingestion.ingest({ eventId, type, customer: { email }, properties: {} });
  return customerId;
}

/** The sender of the email with this subject to `email`: which build ran the send. */
const senderOf = (email: string, subject: string) =>
  eventually(async () => sink.store.list({ to: email }).find((m) => m.subject.startsWith(subject))?.from, 20_000, `${subject} to ${email}`);

/** The build the customer's workflow is pinned to, from its description. */
async function pinnedBuild(customerId: string): Promise<string | undefined> {
  const description = await env.client.workflow.getHandle(customerWorkflowId(customerId)).describe();
  const info = description.raw.workflowExecutionInfo?.versioningInfo;
  expect(info?.behavior).toBe(temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_PINNED);
  return info?.deploymentVersion?.buildId ?? undefined;
}

let ana: string;

test('a customer who starts while build A is current runs on A, pinned to it', async () => {
  await startBuild('A');
  expect(await kairos('deploy', 'set-current', '--build-id', 'A', '--wait', '30')).toBe('kairos-test: current version is A\n');
  expect(await kairos('deploy', 'set-current', '--build-id', 'A')).toBe('kairos-test: already: current version is A\n');

  ana = await post('ana@example.com', 'signup-ana', 'signup');
  expect(await senderOf('ana@example.com', 'welcome')).toBe(fromBuild('A'));
  expect(await pinnedBuild(ana)).toBe('A');
  // ...and parks in the month's wait: the workflow stays open on A.
  await eventually(async () => (await services.deps.customers.journeyState(ana)).enrollments[0]?.stepId === 'wait-a-month', 20_000, 'the wait');
});

test('after build B becomes current, new customers start on B and the pinned customer stays on A', async () => {
  await startBuild('B');
  await kairos('deploy', 'set-current', '--build-id', 'B', '--wait', '30');
  const routing = JSON.parse(await kairos('deploy', 'describe', '--json'));
  expect(routing).toMatchObject({ deploymentName: DEPLOYMENT, current: 'B', ramping: null });
  expect(Object.fromEntries(routing.versions.map((v: { buildId: string; status: string }) => [v.buildId, v.status]))).toEqual({ A: 'draining', B: 'current' });

  const bo = await post('bo@example.com', 'signup-bo', 'signup');
  expect(await senderOf('bo@example.com', 'welcome')).toBe(fromBuild('B'));
  expect(await pinnedBuild(bo)).toBe('B');

  // Ana's next workflow task (and its send activity) still runs on build A.
  await post('ana@example.com', 'visit-ana', 'visit');
  expect(await senderOf('ana@example.com', 'nudge')).toBe(fromBuild('A'));
  expect(await pinnedBuild(ana)).toBe('A');
});

test('a ramp sends its share of new customers to build C, 0% stops it, and promoting C ends the ramp', async () => {
  await startBuild('C');
  expect(await kairos('deploy', 'ramp', '--build-id', 'C', '--percentage', '100', '--wait', '30')).toBe('kairos-test: C is ramping at 100%\n');
  const cy = await post('cy@example.com', 'signup-cy', 'signup');
  expect(await senderOf('cy@example.com', 'welcome')).toBe(fromBuild('C'));
  expect(await pinnedBuild(cy)).toBe('C');

  await kairos('deploy', 'ramp', '--build-id', 'C', '--percentage', '0', '--wait', '30');
  const di = await post('di@example.com', 'signup-di', 'signup');
  expect(await senderOf('di@example.com', 'welcome')).toBe(fromBuild('B'));
  expect(await pinnedBuild(di)).toBe('B');
  const described = await kairos('deploy', 'describe');
  expect(described).toMatch(/^current {5}B$/m);
  expect(described).toMatch(/^ramping {5}C at 0%$/m);

  await kairos('deploy', 'set-current', '--build-id', 'C', '--wait', '30');
  expect(JSON.parse(await kairos('deploy', 'describe', '--json'))).toMatchObject({ current: 'C', ramping: null });
});
