// /metrics on the API and on a worker, scraped after real traffic: requests by route and status,
// events by outcome, the outbox backlog, rollout guardrails, and messages by how their send ended,
// each compared with what the database says happened.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { composeApi, type ComposedApi } from '../../src/apps/api';
import type { ComposedWorker } from '../../src/apps/worker';
import { createSendGridSender } from '../../src/messaging/sendgrid-sender';
import { startSink, type RunningSink } from '../../src/messaging/sink/start-sink';
import { testApiConfig, testWorkerConfig } from '../helpers/config';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { launchProgram, seedTemplates, sendsAtOnce } from '../helpers/seed';
import { startDevServer } from '../helpers/temporal';
import { composeTestWorker } from '../helpers/worker';
import { eventually } from '../helpers/world';
import { listen, type ApiServer } from '../integration/http';

let database: TestDatabase;
let sink: RunningSink;
let env: TestWorkflowEnvironment;
let worker: ComposedWorker;
let running: Promise<void>;
let api: ComposedApi;
let http: ApiServer;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedTemplates(database.db, ['note']);
  await launchProgram(database.db, 'welcome', sendsAtOnce('Welcome', 'signup'));
  sink = await startSink({ port: 0 });
  env = await startDevServer();
  const email = createSendGridSender({ apiKey: 'SG.test-key', baseUrl: sink.url });
  const config = testWorkerConfig();
  worker = await composeTestWorker(
    env,
    { ...config, metrics: { port: 0, host: '127.0.0.1', sdkAddress: undefined } },
    { db: database.db, email },
  );
  running = worker.worker.run();
  api = await composeApi(testApiConfig(), { db: database.db, client: env.client, email });
  http = await listen(api.app);
});

afterAll(async () => {
  await http?.close();
  await api?.close();
  worker?.worker.shutdown();
  await running;
  await worker?.close();
  await env?.teardown();
  await sink?.close();
  await database?.drop();
});

/** The value of one series in a Prometheus text answer, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text();
}

test("the API counts requests by the route table's path and status, and events by outcome", async () => {
  const signup = { type: 'signup', customer: { email: 'ada@example.com' }, properties: {} };
  expect((await http.request('POST', '/v1/events', { json: { ...signup, eventId: 'evt-1' } })).status).toBe(202);
  expect((await http.request('POST', '/v1/events', { json: { ...signup, eventId: 'evt-1' } })).status).toBe(200);
  const unreferenced = { type: 'page_view', customer: { email: 'ada@example.com' }, properties: {} };
  expect((await http.request('POST', '/v1/events', { json: unreferenced })).status).toBe(202);
  expect((await http.request('GET', '/v1/programs/nope')).status).toBe(404);

  const text = await scrape(`${http.url}/metrics`);
  const requests = (route: string, method: string, status: number) =>
    sample(text, `kairos_http_requests_total{method="${method}",route="${route}",status="${status}"}`);
  expect(requests('/v1/events', 'POST', 202)).toBe(2);
  expect(requests('/v1/events', 'POST', 200)).toBe(1);
  // The table's path, not the URL: no label value per id.
  expect(requests('/v1/programs/:id', 'GET', 404)).toBe(1);
  expect(text).not.toContain('route="/v1/programs/nope"');
  expect(sample(text, 'kairos_events_total{outcome="signalled"}')).toBe(1);
  expect(sample(text, 'kairos_events_total{outcome="duplicate"}')).toBe(1);
  expect(sample(text, 'kairos_events_total{outcome="unreferenced"}')).toBe(1);
  expect(sample(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
});

test('the outbox backlog counts events due to the relay and waiting, and the age of the oldest', async () => {
  // Once the requests above have signalled their events, two left behind: one the relay should
  // have taken an hour ago (this API does not run its relay), one waiting for a retry.
  await eventually(async () => (await database.db.event.count({ where: { deliveredAt: null } })) === 0);
  const { id: customerId } = await database.db.customer.findFirstOrThrow();
  const hourAgo = new Date(Date.now() - 3_600_000);
  await database.db.event.createMany({
    data: [
      { id: 'due', customerId, type: 'signup', occurredAt: hourAgo, receivedAt: hourAgo, nextAttemptAt: hourAgo },
      {
        id: 'waiting',
        customerId,
        type: 'signup',
        occurredAt: new Date(),
        nextAttemptAt: new Date(Date.now() + 600_000),
      },
    ],
  });
  const text = await scrape(`${http.url}/metrics`);
  expect(sample(text, 'kairos_events_undelivered{state="due"}')).toBe(1);
  expect(sample(text, 'kairos_events_undelivered{state="waiting"}')).toBe(1);
  expect(sample(text, 'kairos_events_undelivered_oldest_seconds')).toBeGreaterThanOrEqual(3_600);
  await database.db.event.deleteMany({ where: { id: { in: ['due', 'waiting'] } } });
});

test('the worker counts messages by status and reason as the database has them; rollout guardrails show', async () => {
  // One sent; one skipped (a customer known only by a loyalty id has no address).
  await http.request('POST', '/v1/events', {
    json: { type: 'signup', customer: { email: 'grace@example.com' }, properties: {} },
  });
  await http.request('POST', '/v1/events', {
    json: { type: 'signup', customer: { loyaltyId: 'L-7' }, properties: {} },
  });
  const settled = await eventually(async () => {
    const rows = await database.db.message.groupBy({ by: ['status', 'reason'], _count: true });
    const has = (status: string) => rows.some((r) => r.status === status);
    return has('sent') && has('skipped') && rows.every((r) => r.status !== 'queued' && r.status !== 'sending') && rows;
  });
  const text = await scrape(worker.metricsUrl!);
  for (const row of settled)
    expect(
      sample(text, `kairos_messages_total{channel="email",status="${row.status}",reason="${row.reason ?? ''}"}`),
    ).toBe(row._count);

  await database.db.rollout.create({
    data: {
      id: 'ramp-1',
      programId: 'welcome',
      fromVersion: 1,
      toVersion: 1,
      plan: [],
      guardrails: {},
      evaluationIntervalMs: 60_000,
      percent: 25,
      evaluations: {
        create: {
          percent: 25,
          metrics: {
            current: { sendFailureRate: 0.01, bounceRate: 0, unsubscribeRate: 0, stepErrorRate: 0 },
            candidate: { sendFailureRate: 0.04, bounceRate: 0.02, unsubscribeRate: 0, stepErrorRate: 0 },
          },
        },
      },
    },
  });
  const apiText = await scrape(`${http.url}/metrics`);
  const guardrail = (side: string, metric: string) =>
    sample(apiText, `kairos_rollout_guardrail{rollout="ramp-1",program="welcome",side="${side}",metric="${metric}"}`);
  expect(guardrail('candidate', 'sendFailureRate')).toBe(0.04);
  expect(guardrail('current', 'sendFailureRate')).toBe(0.01);
  expect(sample(apiText, 'kairos_rollout_percent{rollout="ramp-1",program="welcome"}')).toBe(25);
});

test('every Kairos series the Grafana dashboard charts is one the API or a worker serves', async () => {
  const dashboard = readFileSync(resolve(__dirname, '../../deploy/grafana/dashboards/kairos.json'), 'utf8');
  const charted = new Set([...dashboard.matchAll(/\bkairos_[a-z_]+/g)].map(([name]) => name.replace(/_bucket$/, '')));
  expect(charted.size).toBeGreaterThan(5);
  const served = (await scrape(`${http.url}/metrics`)) + (await scrape(worker.metricsUrl!));
  for (const name of charted) expect(served).toContain(`# HELP ${name} `);
});
