// Traces across the processes (issue 17): the real API and worker entry points, configured only by
// their environment with an OTLP endpoint, on the dev server, PostgreSQL and the local SendGrid
// sink. One event posted over HTTP to a program that emails at once must leave one trace that runs
// from the request through the signal, the workflow and the send activity to the HTTP call to
// SendGrid, sent by each process under its own service name.
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startSink, type RunningSink } from '../../src/messaging/sink/start-sink';
import { freePort } from '../drills/support/ports';
import {
  TEST_ADMIN_KEY,
  TEST_PAYLOAD_KEYS,
  TEST_PUBLIC_URL,
  TEST_SIGNING_SECRET,
  testDataConverter,
} from '../helpers/config';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { launchProgram, seedTemplates, sendsAtOnce } from '../helpers/seed';
import { startDevServer } from '../helpers/temporal';
import { testWorkflowBundle } from '../helpers/worker';
import { eventually } from '../helpers/world';
import { startEntryProcess, type EntryProcess } from './support/entry-process';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';

let database: TestDatabase;
let sink: RunningSink;
let env: TestWorkflowEnvironment;
let receiver: OtlpReceiver;
let worker: EntryProcess | undefined;
let api: EntryProcess | undefined;
let apiUrl: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedTemplates(database.db, ['note']);
  await launchProgram(database.db, 'welcome', sendsAtOnce('Welcome', 'signup'));
  sink = await startSink({ port: 0 });
  env = await startDevServer();
  receiver = await startOtlpReceiver();
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  const shared = {
    KAIROS_ENV: 'test',
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: '3',
    TEMPORAL_ADDRESS: env.address,
    KAIROS_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    KAIROS_SIGNING_SECRET: TEST_SIGNING_SECRET,
    KAIROS_PUBLIC_URL: TEST_PUBLIC_URL,
    SENDGRID_API_KEY: 'SG.test-key',
    SENDGRID_BASE_URL: sink.url,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    // The batch goes out every 200 ms instead of every 5 s, so the test waits less.
    OTEL_BSP_SCHEDULE_DELAY: '200',
  };
  // The worker bundles the workflow code itself, as in production: with the tracing interceptors.
  worker = await startEntryProcess(
    'src/worker-main.ts',
    {
      ...shared,
      OTEL_SERVICE_NAME: 'traced-worker',
      KAIROS_EMAIL_CAPS: 'off',
      KAIROS_QUIET_HOURS: 'off',
      KAIROS_WORKER_SHUTDOWN_GRACE_MS: '0',
    },
    'worker running',
  );
  api = await startEntryProcess(
    'src/api-main.ts',
    {
      ...shared,
      OTEL_SERVICE_NAME: 'traced-api',
      KAIROS_API_HOST: '127.0.0.1',
      KAIROS_API_PORT: String(port),
      KAIROS_BOOTSTRAP_KEY: TEST_ADMIN_KEY,
    },
    'API listening',
  );
});

afterAll(async () => {
  // SIGTERM, as a deploy stops them: each exits 0 after closing (and flushing its spans).
  expect(await api?.stop()).toBe(0);
  expect(await worker?.stop()).toBe(0);
  await receiver?.close();
  await env?.teardown();
  await sink?.close();
  await database?.drop();
});

const attribute = (span: ReceivedSpan, ...keys: string[]) => keys.map((k) => span.attributes[k]).find(Boolean);

test('one event leaves one trace: the request, the signal, the workflow, the send and its HTTP call', async () => {
  const res = await fetch(`${apiUrl}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'signup', customer: { email: 'ada@example.com' }, properties: {} }),
  });
  expect(res.status).toBe(202);
  await eventually(async () => sink.store.list({ to: 'ada@example.com' }).length === 1, 60_000, 'the welcome email');

  // The request's server span: the root of the trace.
  const request = await eventually(
    async () => receiver.spans.find((s) => s.kind === 2 && attribute(s, 'http.target', 'url.path') === '/v1/events'),
    30_000,
    'the request span',
  );
  // Named by the route, which the Express instrumentation supplies.
  expect(request).toMatchObject({ service: 'traced-api', parentSpanId: '', name: 'POST /v1/events' });
  expect(attribute(request, 'http.method', 'http.request.method')).toBe('POST');
  expect(attribute(request, 'http.route')).toBe('/v1/events');
  const inTrace = () => receiver.spans.filter((s) => s.traceId === request.traceId);
  const named = (prefix: string) => inTrace().find((s) => s.name.startsWith(prefix));
  const toSink = () =>
    inTrace().find((s) => s.kind === 3 && String(attribute(s, 'http.url', 'url.full')).startsWith(sink.url));
  // Spans arrive in batches from two processes, each when it ends: the workflow's StartActivity
  // when the activity's result is back in the workflow.
  const names = [
    'SignalWithStartWorkflow:customerWorkflow',
    'HandleSignal:customerEvent',
    'StartActivity:sendMessage',
    'RunActivity:sendMessage',
  ];
  await eventually(async () => names.every(named) && toSink(), 30_000, 'the spans of the signal and the send');

  const parentOf = (span: ReceivedSpan) => inTrace().find((s) => s.spanId === span.parentSpanId);
  /** The chain of names from `span` up to the trace's root. */
  const ancestry = (span: ReceivedSpan): string[] => {
    const parent = parentOf(span);
    return [span.name, ...(parent ? ancestry(parent) : [])];
  };

  const signal = named('SignalWithStartWorkflow:customerWorkflow');
  expect(signal).toMatchObject({ service: 'traced-api' });
  const handled = named('HandleSignal:customerEvent');
  expect(handled).toMatchObject({ service: 'traced-worker' });
  expect(parentOf(handled!)?.spanId).toBe(signal!.spanId);
  const scheduled = named('StartActivity:sendMessage');
  expect(scheduled).toMatchObject({ service: 'traced-worker' });
  const ran = named('RunActivity:sendMessage')!;
  expect(ran).toMatchObject({ service: 'traced-worker' });
  expect(parentOf(ran)?.spanId).toBe(scheduled!.spanId);
  // The HTTP POST to SendGrid (here the sink) is the activity's, and the chain runs to the request.
  const post = toSink()!;
  expect(post).toMatchObject({ service: 'traced-worker' });
  expect(attribute(post, 'http.method', 'http.request.method')).toBe('POST');
  expect(String(attribute(post, 'http.url', 'url.full'))).toBe(`${sink.url}/v3/mail/send`);
  const chain = ancestry(post);
  expect(chain).toContain('RunActivity:sendMessage');
  expect(chain).toContain('StartActivity:sendMessage');
  expect(chain).toContain('HandleSignal:customerEvent');
  expect(chain).toContain('SignalWithStartWorkflow:customerWorkflow');
  expect(chain[chain.length - 1]).toBe(request.name);
});

test('a traced history carries the trace in headers only, and replays without the tracing interceptors', async () => {
  const { id } = await database.db.customer.findFirstOrThrow();
  const history = await env.client.workflow.getHandle(`customer:${id}`).fetchHistory();
  const scheduled = history.events?.filter((e) => e.activityTaskScheduledEventAttributes) ?? [];
  expect(scheduled.length).toBeGreaterThan(0);
  for (const e of scheduled)
    expect(Object.keys(e.activityTaskScheduledEventAttributes?.header?.fields ?? {})).toContain('_tracer-data');
  // The tests' bundle has no tracing interceptors: an extra command would be a determinism error here.
  await Worker.runReplayHistory({ workflowBundle: testWorkflowBundle(), dataConverter: testDataConverter() }, history);
});
