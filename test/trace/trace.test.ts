// The customer trace on the time-skipping server, through the real ingestion path, activities and
// PostgreSQL: every entry decision, wait outcome, send and skip reason is in it, with the history
// (events received, timers, activities) and what is still pending; as JSON, as text, from the
// CLI and from the admin API.
import type { AddressInfo } from 'node:net';
import { run } from '../../src/cli/kairos';
import { customerWorkflowId } from '../../src/temporal/addressing';
import { buildTrace, type CustomerTrace } from '../../src/trace/build-trace';
import { renderTrace } from '../../src/trace/render-trace';
import { captureIo } from '../cli/cli-io';
import { fixtureTemplateIds, postPurchaseCrossSell } from '../programs/fixtures';
import { TEST_PAYLOAD_KEYS } from '../helpers/config';
import { launchProgram, seedCatalogue, seedTemplates } from '../helpers/seed';
import { startWorld, TEST_ADMIN_KEY, type World } from '../helpers/world';
import { settledMessages, stepRecord, storePurchase as purchase } from '../workflows/helpers';

let world: World;

beforeAll(async () => {
  world = await startWorld('time-skipping');
  const { db } = world.database;
  await seedTemplates(db, fixtureTemplateIds);
  await seedCatalogue(db);
  await launchProgram(db, 'cross-sell', postPurchaseCrossSell);
});
afterAll(() => world?.stop());

const storePurchase = (loyaltyId: string, orderId: string) => purchase(world, loyaltyId, orderId);

const trace = async (customerId: string): Promise<CustomerTrace> => (await buildTrace(world.api.deps, customerId))!;
const summaries = (t: CustomerTrace, kind: string) => t.entries.filter((e) => e.kind === kind).map((e) => e.summary);
const indexOf = (t: CustomerTrace, kind: string, pattern: RegExp) =>
  t.entries.findIndex((e) => e.kind === kind && pattern.test(e.summary));

test("Simona's trace shows her entry, the refused second entry, the matched wait and the sent email", async () => {
  const simona = await world.api.deps.identity.identify({
    customer: { email: 'simona@example.com', loyaltyId: 'LOYAL-1' },
    timezone: 'Europe/Ljubljana',
  });
  await storePurchase('LOYAL-1', 'store-order-1');
  await world.env.sleep('2h');
  await storePurchase('LOYAL-1', 'store-order-2'); // still enrolled: maxInstances 1 refuses it
  await world.env.sleep('18h');
  await world.api.deps.ingestion.ingest({
    eventId: 'visit-1',
    type: 'site_visit',
    customer: { email: 'simona@example.com' },
    properties: { page: '/summer' },
  });
  await world.env.sleep('3d');
  await settledMessages(world, simona, 1);
  await stepRecord(world, simona, { kind: 'exit' });

  const t = await trace(simona);
  expect(t.customer).toMatchObject({
    id: simona,
    workflowId: customerWorkflowId(simona),
    timezone: 'Europe/Ljubljana',
  });
  expect(t.customer.identifiers).toEqual(
    expect.arrayContaining([
      { kind: 'email', value: 'simona@example.com' },
      { kind: 'loyaltyId', value: 'LOYAL-1' },
    ]),
  );

  // Entry decisions, with program, version and reason.
  const entered = t.entries.find((e) => e.kind === 'enrollment' && e.summary.startsWith('entered'));
  expect(entered).toMatchObject({
    program: 'cross-sell',
    step: 'wait-visit',
    summary: 'entered v1 on purchase purchase-store-order-1',
    detail: { version: 1, variant: null },
  });
  const refused = t.entries.find((e) => e.kind === 'enrollment' && e.summary.startsWith('not entered'));
  expect(refused).toMatchObject({
    program: 'cross-sell',
    detail: { version: 1, reason: 'max instances (1) reached', eventId: 'purchase-store-order-2' },
  });
  expect(refused!.summary).toBe('not entered: max instances (1) reached (v1, event purchase-store-order-2)');

  // Each step with its outcome and where it went; the message with its status.
  expect(summaries(t, 'step')).toEqual([
    'waitForEvent: matched → next-allowed-hour (event visit-1, after 20h)',
    expect.stringMatching(
      new RegExp(
        '^waitUntil: waited → send-cross-sell \\(until \\d{4}-\\d\\d-\\d\\d 10:00 ' +
          '(mon|tue|wed|thu|fri|sat) Europe/Ljubljana',
      ),
    ),
    'send: sent → done (template cross-sell)',
    'exit: exit_step',
    'exited: exit_step',
  ]);
  expect(summaries(t, 'message')).toEqual(['email cross-sell sent to simona@example.com']);

  // The workflow's side: the events it received, its timers and its activities.
  expect(summaries(t, 'event')).toEqual([
    'received purchase purchase-store-order-1',
    'received purchase purchase-store-order-2',
    'received site_visit visit-1',
  ]);
  expect(summaries(t, 'timer')).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^timer \d+ started: fires in 2d, at /),
      expect.stringMatching(/^timer \d+ canceled$/),
      expect.stringMatching(/^timer \d+ fired$/),
    ]),
  );
  const sends = t.entries.filter((e) => e.kind === 'activity' && e.detail.activityType === 'sendMessage');
  expect(sends.map((e) => [e.summary, e.program, e.step])).toEqual([
    ['sendMessage scheduled (template cross-sell)', 'cross-sell', 'send-cross-sell'],
    ['sendMessage completed: sent', 'cross-sell', 'send-cross-sell'],
  ]);
  expect(summaries(t, 'localActivity')).toContain('planEnrollments: candidates cross-sell v1');
  expect(summaries(t, 'run')).toEqual([expect.stringMatching(/^run \w{8} started$/)]);

  // In time order: the entry, the refusal, the matched wait, the send, the exit.
  const order = [
    indexOf(t, 'event', /purchase-store-order-1/),
    indexOf(t, 'enrollment', /^entered/),
    indexOf(t, 'event', /purchase-store-order-2/),
    indexOf(t, 'enrollment', /^not entered/),
    indexOf(t, 'event', /visit-1/),
    indexOf(t, 'step', /^waitForEvent: matched/),
    indexOf(t, 'step', /^send: sent/),
    indexOf(t, 'step', /^exited/),
  ];
  expect(order.every((i) => i >= 0)).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  expect(t.pending).toEqual([]);
  expect(t.warnings).toEqual([]);

  const text = renderTrace(t);
  expect(text).toContain('cross-sell v1 · wait-visit');
  expect(text).toMatch(/enrollment\s+cross-sell v1\s+not entered: max instances \(1\) reached/);
  expect(text).toMatch(/message\s+cross-sell · send-cross-sell\s+email cross-sell sent to simona@example.com/);
  expect(text).toContain('Pending: nothing');
  expect(text).not.toContain('recordSteps');
  expect(renderTrace(t, { all: true })).toContain('recordSteps');
});

test(
  'a shopper without an email: the pending wait, ' + 'then the timeout, the recommendation and the skip reason',
  async () => {
    const marta = await world.api.deps.identity.identify({ customer: { loyaltyId: 'LOYAL-2' } });
    await storePurchase('LOYAL-2', 'store-order-3');
    await stepRecord(world, marta, { kind: 'enter', outcome: 'entered' });

    const waiting = await trace(marta);
    expect(waiting.pending).toEqual([
      expect.objectContaining({
        kind: 'wait',
        program: 'cross-sell',
        step: 'wait-visit',
        summary: expect.stringMatching(/^waitForEvent: waiting for site_visit until /),
      }),
    ]);
    expect(renderTrace(waiting)).toMatch(
      /Pending\n\s+\S+Z\s+cross-sell v1 · wait-visit\s+waitForEvent: waiting for site_visit/,
    );

    await world.env.sleep('50h');
    await settledMessages(world, marta, 1);
    await stepRecord(world, marta, { kind: 'exit' });
    const t = await trace(marta);
    expect(summaries(t, 'step')).toEqual(
      expect.arrayContaining([
        'waitForEvent: timedOut → recommend (after 2d)',
        expect.stringMatching(/^recommend: recommended → send-recommendations \(products /),
        'send: skipped: no_email → done (template recommendations)',
      ]),
    );
    expect(summaries(t, 'message')).toEqual(['email recommendations skipped: no_email']);
    expect(t.pending).toEqual([]);
  },
);

test('kairos trace resolves an identifier and prints the timeline; --json prints the trace', async () => {
  const env = {
    DATABASE_URL: world.database.url,
    TEMPORAL_ADDRESS: world.env.address,
    TEMPORAL_NAMESPACE: world.env.namespace ?? 'default',
    // The history's payloads are encrypted: the events received are read with the key.
    KAIROS_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
  };
  const text = captureIo();
  expect(await run(['trace', 'simona@example.com'], text, { env })).toBe(0);
  expect(text.text()).toContain('received site_visit visit-1');
  expect(text.text()).toMatch(/^Customer \S+ \(workflow customer:\S+\)/);
  expect(text.text()).toContain('not entered: max instances (1) reached');
  expect(text.text()).toContain('email cross-sell sent to simona@example.com');

  const json = captureIo();
  expect(await run(['trace', 'LOYAL-2', '--json'], json, { env })).toBe(0);
  const parsed = JSON.parse(json.text()) as CustomerTrace;
  expect(parsed.customer.identifiers).toEqual([{ kind: 'loyaltyId', value: 'LOYAL-2' }]);
  expect(parsed.entries.some((e) => e.summary === 'email recommendations skipped: no_email')).toBe(true);

  const unknown = captureIo();
  expect(await run(['trace', 'nobody@example.com'], unknown, { env })).toBe(1);
  expect(unknown.text()).toContain('no customer is known as nobody@example.com');
});

test('GET /v1/customers/:id/trace returns the trace as JSON, 404 for an unknown customer', async () => {
  const simona = (
    await world.database.db.customerIdentifier.findFirstOrThrow({ where: { value: 'simona@example.com' } })
  ).customerId;
  const server = world.api.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const get = (path: string) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
    const ok = await get(`/v1/customers/${simona}/trace`);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as CustomerTrace;
    expect(body.customer.id).toBe(simona);
    expect(body.entries.map((e) => e.summary)).toContain(
      'not entered: max instances (1) reached (v1, event purchase-store-order-2)',
    );
    expect((await get('/v1/customers/no-such-customer/trace')).status).toBe(404);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
