// Tracing is off unless an OTLP endpoint is set, and off costs nothing: no SDK, no global tracer
// provider, no interceptors on the composed client or worker, no workflow module, no sink. With a
// running Tracing the same compositions carry all of them. (Starting the SDK itself is process-global
// and patches modules: traces.test.ts does that in processes of its own.)
import { trace } from '@opentelemetry/api';
import { Resource } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { composeApi } from '../../src/apps/api';
import { loadTracingConfig } from '../../src/config/tracing-config';
import { createSendGridSender } from '../../src/messaging/sendgrid-sender';
import { startTracing, type Tracing } from '../../src/tracing/start-tracing';
import { TRACING_WORKFLOW_MODULE } from '../../src/tracing/temporal-tracing';
import { testApiConfig, testWorkerConfig } from '../helpers/config';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startDevServer } from '../helpers/temporal';
import { composeTestWorker } from '../helpers/worker';

let database: TestDatabase;
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  database = await createTestDatabase();
  env = await startDevServer();
});

afterAll(async () => {
  await env?.teardown();
  await database?.drop();
});

describe('settings', () => {
  test('no endpoint: tracing is off', () => {
    expect(loadTracingConfig('kairos-api', { OTEL_SERVICE_NAME: 'x' })).toBeUndefined();
  });

  test("the base endpoint gets OTLP's traces path; the traces endpoint is used as is and wins", () => {
    expect(loadTracingConfig('kairos-api', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({
      tracesUrl: 'http://collector:4318/v1/traces',
      serviceName: 'kairos-api',
    });
    expect(
      loadTracingConfig('kairos-worker', {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/otlp/v1/traces',
        OTEL_SERVICE_NAME: 'kairos-worker-eu',
      }),
    ).toEqual({ tracesUrl: 'http://tempo:4318/otlp/v1/traces', serviceName: 'kairos-worker-eu' });
  });

  test('a malformed endpoint is refused by name', () => {
    expect(() => loadTracingConfig('kairos-api', { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      'OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:// or https:// URL',
    );
  });
});

test('off: startTracing starts nothing, and no tracer provider is registered', async () => {
  expect(await startTracing(loadTracingConfig('kairos-api', {}))).toBeUndefined();
  // The global provider is still the API's no-op one: its spans record nothing.
  expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
});

/** A Tracing whose spans stay in memory: nothing global is registered, nothing patched. */
function memoryTracing(): Tracing {
  return {
    resource: new Resource({}),
    processor: new SimpleSpanProcessor(new InMemorySpanExporter()),
    shutdown: async () => undefined,
  };
}

test.each([
  ['off', undefined, 0],
  ['on', memoryTracing(), 1],
])("the API's Temporal client with tracing %s", async (_, tracing, interceptors) => {
  const config = testApiConfig({ TEMPORAL_ADDRESS: env.address });
  const api = await composeApi(config, { db: database.db, tracing });
  try {
    const installed = api.client.options.interceptors.workflow;
    expect(Array.isArray(installed) ? installed : []).toHaveLength(interceptors);
    for (const i of Array.isArray(installed) ? installed : [])
      expect(i).toBeInstanceOf(OpenTelemetryWorkflowClientInterceptor);
  } finally {
    await api.close();
  }
});

test.each([
  ['off', undefined],
  ['on', memoryTracing()],
])('the worker with tracing %s', async (state, tracing) => {
  const email = createSendGridSender({ apiKey: 'SG.test-key', baseUrl: 'http://127.0.0.1:9' });
  // A task queue each: one worker per queue in a process.
  const config = testWorkerConfig({ TEMPORAL_TASK_QUEUE: `tracing-${state}` });
  const composed = await composeTestWorker(env, config, { db: database.db, email, tracing });
  try {
    const { interceptors, sinks } = composed.worker.options;
    const on = state === 'on';
    // poisonFailures always; the tracing one in front of it when on.
    expect(interceptors.activity).toHaveLength(on ? 2 : 1);
    expect(interceptors.workflowModules.includes(TRACING_WORKFLOW_MODULE)).toBe(on);
    expect(Object.keys(sinks ?? {}).includes('exporter')).toBe(on);
  } finally {
    // Run and stopped, so its registration with the Runtime ends with the test.
    const running = composed.worker.run();
    composed.worker.shutdown();
    await running;
    await composed.close();
  }
});
