// Worker Versioning, driven through `kairos deploy`, as one scenario run on the CLI's dev server
// (worker-versioning.test.ts) and on a real temporal-server (test/topology/). Customer workflows
// auto-upgrade: a customer who started on build A runs her next workflow task (and its send) on B
// once B is current; a controller workflow stays pinned to A until it ends, and `kairos deploy
// describe` says so. Then A is drained and its workers stop, though a customer who has had no task
// since is still on it: her next task runs on B. A ramp routes its share of customers, new and
// running, to C. Each build sends from its own address, so the sink shows which build ran a send.
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { decodeVersioningBehavior } from '@temporalio/common';
import { composeApi, type ComposedApi } from '../../src/apps/api';
import { installQuietRuntime } from '../../src/cli/cli-context';
import { run } from '../../src/cli/kairos';
import { startSink, type RunningSink } from '../../src/messaging/sink/start-sink';
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';
import { customerWorkflowId, experimentWorkflowId } from '../../src/temporal/addressing';
import type { DeploymentDescription } from '../../src/temporal/worker-deployment';
import { captureIo } from '../cli/cli-io';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { launchProgram, seedTemplates } from '../helpers/seed';
import { testApiConfig, testWorkerConfig } from '../helpers/config';
import { composeTestWorker } from '../helpers/worker';
import { eventually } from '../helpers/world';

const DEPLOYMENT = 'kairos-test';
const TASK_QUEUE = 'kairos-versioned';

/** Welcome, then a month's wait: the customer's workflow stays open. */
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

/** A Temporal server the scenario runs on, with a client that reads the tests' encrypted payloads. */
export interface VersioningServer {
  address: string;
  namespace?: string;
  client: Client;
  nativeConnection: NativeConnection;
  teardown(): Promise<void>;
}

/**
 * The server rechecks a no-longer-current version's drainage every 3 min, after a 3 min grace for
 * visibility to catch up; seconds here, so the scenario sees A drained.
 */
export const DRAINAGE_CHECKED_EACH_SECOND = {
  'matching.wv.VersionDrainageStatusRefreshInterval': '1s',
  'matching.wv.VersionDrainageStatusVisibilityGracePeriod': '1s',
};

/** Defines the scenario's tests, in order, on the server `startServer` gives. */
export function workerVersioningScenario(
  startServer: (dynamicConfig: Record<string, string>) => Promise<VersioningServer>,
): void {
  let database: TestDatabase;
  let sink: RunningSink;
  let env: VersioningServer;
  let services: ComposedApi;
  const workers = new Map<string, { worker: Worker; running: Promise<void> }>();

  beforeAll(async () => {
    installQuietRuntime();
    database = await createTestDatabase();
    sink = await startSink({ port: 0 });
    env = await startServer(DRAINAGE_CHECKED_EACH_SECOND);
    await seedTemplates(database.db, ['welcome', 'nudge']);
    await launchProgram(database.db, 'welcome', welcome);
    await launchProgram(database.db, 'nudge', nudge);
    // The API's services, delivering events to the versioned workers' task queue.
    services = await composeApi(testApiConfig({ TEMPORAL_TASK_QUEUE: TASK_QUEUE }), {
      db: database.db,
      client: env.client,
    });
  }, 150_000);
  afterAll(async () => {
    await services?.close();
    for (const id of workers.keys()) await stopBuild(id);
    await env?.teardown();
    await sink?.close();
    await database?.drop();
  });

  /** A worker serving `buildId` of the test deployment, sending from build-<id>@kairos.test. */
  async function startBuild(buildId: string): Promise<void> {
    const config = testWorkerConfig({
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      KAIROS_WORKER_VERSIONING: 'true',
      KAIROS_DEPLOYMENT_NAME: DEPLOYMENT,
      KAIROS_BUILD_ID: buildId,
      KAIROS_EMAIL_FROM: fromBuild(buildId),
      SENDGRID_BASE_URL: sink.url,
    });
    const { worker } = await composeTestWorker(env, config, { db: database.db });
    workers.set(buildId, { worker, running: worker.run() });
  }

  async function stopBuild(buildId: string): Promise<void> {
    const w = workers.get(buildId);
    if (!w) return;
    workers.delete(buildId);
    w.worker.shutdown();
    await w.running;
  }

  const fromBuild = (buildId: string) => `build-${buildId.toLowerCase()}@kairos.test`;

  async function kairos(...argv: string[]): Promise<string> {
    const io = captureIo();
    const code = await run(argv, io, {
      env: {
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_NAMESPACE: env.namespace ?? 'default',
        KAIROS_DEPLOYMENT_NAME: DEPLOYMENT,
      },
    });
    if (code !== 0) throw new Error(`kairos ${argv.join(' ')} exited ${code}:\n${io.text()}`);
    return io.text();
  }

  async function post(email: string, eventId: string, type: string): Promise<string> {
    const customerId = await services.deps.identity.identify({ customer: { email } });
    await services.deps.ingestion.ingest({ eventId, type, customer: { email }, properties: {} });
    return customerId;
  }

  /** The sender of the `nth` email (oldest first) with this subject to `email`: which build ran the send. */
  const senderOf = (email: string, subject: string, nth = 1) =>
    eventually(
      async () =>
        sink.store
          .list({ to: email })
          .reverse()
          .filter((m) => m.subject.startsWith(subject))[nth - 1]?.from,
      20_000,
      `${subject} #${nth} to ${email}`,
    );

  /** The workflow's versioning behaviour and the build its last workflow task ran on, from describe(). */
  async function versioningOf(
    workflowId: string,
  ): Promise<{ behavior: string | undefined; buildId: string | undefined }> {
    const info = (await env.client.workflow.getHandle(workflowId).describe()).raw.workflowExecutionInfo?.versioningInfo;
    return {
      behavior: decodeVersioningBehavior(info?.behavior),
      buildId: info?.deploymentVersion?.buildId ?? undefined,
    };
  }

  const describeJson = async (): Promise<DeploymentDescription> =>
    JSON.parse(await kairos('deploy', 'describe', '--json'));
  const byBuild = (d: DeploymentDescription) =>
    Object.fromEntries(d.versions.map((v) => [v.buildId, { status: v.status, ...v.workflows }]));

  let ana: string;
  let eve: string;
  const controllerId = experimentWorkflowId('versioning-test');

  test(
    'customers who start while build A is current run on A, ' + 'auto-upgrade; a controller starts pinned to A',
    async () => {
      await startBuild('A');
      expect(await kairos('deploy', 'set-current', '--build-id', 'A', '--wait', '30')).toBe(
        'kairos-test: current version is A\n',
      );
      expect(await kairos('deploy', 'set-current', '--build-id', 'A')).toBe(
        'kairos-test: already: current version is A\n',
      );

      ana = await post('ana@example.com', 'signup-ana', 'signup');
      eve = await post('eve@example.com', 'signup-eve', 'signup');
      for (const [customer, email] of [
        [ana, 'ana@example.com'],
        [eve, 'eve@example.com'],
      ] as const) {
        expect(await senderOf(email, 'welcome')).toBe(fromBuild('A'));
        // ...and parks in the month's wait: the workflow stays open on A.
        await eventually(
          async () => (await services.deps.customers.journeyState(customer)).enrollments[0]?.stepId === 'wait-a-month',
          20_000,
          'the wait',
        );
        expect(await versioningOf(customerWorkflowId(customer))).toEqual({ behavior: 'AUTO_UPGRADE', buildId: 'A' });
      }

      // An experiment controller (its first task only starts a timer: it checks in an hour).
      await env.client.workflow.start('experimentWorkflow', {
        workflowId: controllerId,
        taskQueue: TASK_QUEUE,
        args: [{ experimentId: 'versioning-test', evaluationIntervalMs: 3_600_000 }],
      });
      await eventually(
        async () => (await versioningOf(controllerId)).buildId === 'A',
        20_000,
        "the controller's first task",
      );
      expect(await versioningOf(controllerId)).toEqual({ behavior: 'PINNED', buildId: 'A' });
      await eventually(async () => byBuild(await describeJson()).A?.open === 3, 20_000, 'visibility');
      expect(byBuild(await describeJson())).toEqual({ A: { status: 'current', open: 3, pinned: 1, autoUpgrade: 2 } });
    },
  );

  test(
    'after build B becomes current, new customers start on B and the ' +
      'running customer moves to B at her next task; the controller stays on A',
    async () => {
      await startBuild('B');
      await kairos('deploy', 'set-current', '--build-id', 'B', '--wait', '30');
      expect(await describeJson()).toMatchObject({ deploymentName: DEPLOYMENT, current: 'B', ramping: null });

      const bo = await post('bo@example.com', 'signup-bo', 'signup');
      expect(await senderOf('bo@example.com', 'welcome')).toBe(fromBuild('B'));
      expect(await versioningOf(customerWorkflowId(bo))).toEqual({ behavior: 'AUTO_UPGRADE', buildId: 'B' });

      // Ana's next workflow task, and the send it schedules, run on B: B replays the history A wrote.
      await post('ana@example.com', 'visit-ana', 'visit');
      expect(await senderOf('ana@example.com', 'nudge')).toBe(fromBuild('B'));
      expect(await versioningOf(customerWorkflowId(ana))).toEqual({ behavior: 'AUTO_UPGRADE', buildId: 'B' });
      expect((await services.deps.customers.journeyState(ana)).enrollments[0]?.stepId).toBe('wait-a-month');

      // A still holds Eve, who has had no task since, and the pinned controller, which needs A's
      // workers: describe says so.
      await eventually(async () => byBuild(await describeJson()).B?.open === 2, 20_000, 'visibility');
      expect(byBuild(await describeJson())).toEqual({
        A: { status: 'draining', open: 2, pinned: 1, autoUpgrade: 1 },
        B: { status: 'current', open: 2, pinned: 0, autoUpgrade: 2 },
      });
      expect(await kairos('deploy', 'describe')).toMatch(
        /^ {2}A {11}keep its workers: 1 pinned workflow runs on it until it ends$/m,
      );
      expect(await versioningOf(controllerId)).toEqual({ behavior: 'PINNED', buildId: 'A' });
    },
  );

  test(
    'once the controller ends, A is drained: its workers stop, ' +
      'and the customer still on A moves to B at her next task',
    async () => {
      await env.client.workflow.getHandle(controllerId).terminate('the experiment ended');
      // The server counts pinned workflows only: Eve, auto-upgrade, does not hold A.
      await eventually(async () => byBuild(await describeJson()).A?.status === 'drained', 30_000, 'A drained');
      expect(byBuild(await describeJson()).A).toEqual({ status: 'drained', open: 1, pinned: 0, autoUpgrade: 1 });
      expect(await kairos('deploy', 'describe')).toMatch(
        /^ {2}A {11}its workers can stop: its 1 open workflow is auto-upgrade and moves at its next task$/m,
      );

      await stopBuild('A');
      await post('eve@example.com', 'visit-eve', 'visit');
      expect(await senderOf('eve@example.com', 'nudge')).toBe(fromBuild('B'));
      expect(await versioningOf(customerWorkflowId(eve))).toEqual({ behavior: 'AUTO_UPGRADE', buildId: 'B' });
      await eventually(async () => byBuild(await describeJson()).A?.open === 0, 20_000, 'visibility');
      expect(await kairos('deploy', 'describe')).toMatch(/^ {2}A {11}its workers can stop: no open workflows$/m);
    },
  );

  test(
    'a ramp sends its share of customers, new and running, ' +
      'to build C; 0% sends them back; promoting C ends the ramp',
    async () => {
      await startBuild('C');
      expect(await kairos('deploy', 'ramp', '--build-id', 'C', '--percentage', '100', '--wait', '30')).toBe(
        'kairos-test: C is ramping at 100%\n',
      );
      const cy = await post('cy@example.com', 'signup-cy', 'signup');
      expect(await senderOf('cy@example.com', 'welcome')).toBe(fromBuild('C'));
      expect(await versioningOf(customerWorkflowId(cy))).toEqual({ behavior: 'AUTO_UPGRADE', buildId: 'C' });
      // A running customer in the ramp's share moves too, at her next task.
      await post('ana@example.com', 'visit-ana-2', 'visit');
      expect(await senderOf('ana@example.com', 'nudge', 2)).toBe(fromBuild('C'));

      await kairos('deploy', 'ramp', '--build-id', 'C', '--percentage', '0', '--wait', '30');
      const di = await post('di@example.com', 'signup-di', 'signup');
      expect(await senderOf('di@example.com', 'welcome')).toBe(fromBuild('B'));
      expect(await versioningOf(customerWorkflowId(di))).toEqual({ behavior: 'AUTO_UPGRADE', buildId: 'B' });
      // ...and back: at 0% Cy's next task runs on B again.
      await post('cy@example.com', 'visit-cy', 'visit');
      expect(await senderOf('cy@example.com', 'nudge')).toBe(fromBuild('B'));
      const described = await kairos('deploy', 'describe');
      expect(described).toMatch(/^current {5}B$/m);
      expect(described).toMatch(/^ramping {5}C at 0%$/m);

      await kairos('deploy', 'set-current', '--build-id', 'C', '--wait', '30');
      expect(await describeJson()).toMatchObject({ current: 'C', ramping: null });
    },
  );
}
