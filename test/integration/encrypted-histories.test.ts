// Customers' data never reaches a Temporal history in clear: a journey that carries an email
// address (in an event's properties) and a trait (read by a branch) runs through the API and the
// worker on the dev server; its history, fetched raw by a client without the payload codec, holds
// neither, and the same history decoded with the codec holds both. The trace still reads it, and
// the temporal CLI shows it through the codec server (/v1/codec) with an admin key.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from '@temporalio/client';
import { customerWorkflowId } from '../../src/temporal/addressing';
import { temporalCliPath } from '../../src/temporal/binaries';
import { codecsOf, decodeHistory } from '../../src/temporal/history-codec';
import type { History } from '../../src/temporal/workflow-histories';
import { eventually, startWorld, TEST_ADMIN_KEY, type World } from '../helpers/world';
import { listen, type ApiServer } from './http';

let world: World;
let api: ApiServer;
let customerId: string;

const EMAIL = 'ada.lovelace@analytical.example';
const TIER = 'orchid-tier-7731';
const REFERRER = 'charles-babbage-referral';

const welcome = {
  name: 'Tiered welcome',
  entry: { event: 'signup' },
  start: 'tier',
  steps: {
    tier: {
      kind: 'branch',
      default: 'done',
      cases: [{ when: { field: 'profile.tier', op: 'eq', value: TIER }, next: 'send-welcome' }],
    },
    'send-welcome': { kind: 'send', channel: 'email', template: 'welcome', next: 'done' },
    done: { kind: 'exit' },
  },
};

beforeAll(async () => {
  world = await startWorld('dev-server');
  api = await listen(world.api.app);
  const ok = (res: { status: number }, status: number) => expect(res.status).toBe(status);
  ok(await api.request('PUT', '/v1/templates/welcome', { json: { subject: 'Welcome', body: '<p>Hello</p>' } }), 200);
  ok(await api.request('POST', '/v1/programs', { json: { id: 'tiered', definition: welcome } }), 201);
  ok(await api.request('POST', '/v1/programs/tiered/versions'), 201);
  ok(await api.request('POST', '/v1/programs/tiered/launch', { json: { version: 1 } }), 200);
}, 90_000);
afterAll(async () => {
  await api?.close();
  await world?.stop();
});

/**
 * The history as JSON with every payload's bytes as UTF-8 text (historyToJSON, and protobuf's
 * toJSON under JSON.stringify, would write them in base64, where no address is ever found,
 * encrypted or not).
 */
const readable = (history: History) => {
  const plain = (value: unknown): unknown => {
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    if (Array.isArray(value)) return value.map(plain);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
    return value;
  };
  return JSON.stringify(plain(history));
};

test('the history holds the email and the trait encrypted: unreadable without the codec, read with it', async () => {
  const identified = await api.request('POST', '/v1/customers/identify', {
    json: { customer: { email: EMAIL }, traits: { tier: TIER, firstName: 'Ada' } },
  });
  expect(identified.status).toBe(200);
  customerId = identified.body.customerId as string;
  const posted = await api.request('POST', '/v1/events', {
    json: {
      eventId: 'signup-1',
      type: 'signup',
      customer: { email: EMAIL },
      properties: { invitedEmail: EMAIL, referrer: REFERRER },
    },
  });
  expect(posted.body).toMatchObject({ customerId, delivered: true });
  // The branch took the trait's case, so the worker read the trait (through the history) and sent.
  await eventually(async () => world.sink.store.list({ to: EMAIL }).length === 1, 30_000, 'the welcome email');

  const raw = new Client({ connection: world.env.connection, namespace: world.env.namespace ?? 'default' });
  const history = await raw.workflow.getHandle(customerWorkflowId(customerId)).fetchHistory();
  const stored = readable(history);
  expect(stored).toContain('binary/encrypted');
  for (const secret of [EMAIL, TIER, REFERRER])
    expect({ secret, found: stored.includes(secret) }).toEqual({ secret, found: false });

  const decoded = readable(await decodeHistory(history, codecsOf(world.env.client)));
  expect(decoded).not.toContain('binary/encrypted');
  for (const secret of [EMAIL, TIER, REFERRER])
    expect({ secret, found: decoded.includes(secret) }).toEqual({ secret, found: true });

  // The trace decodes what it reads: the event and its properties are there, in clear.
  const trace = await api.request('GET', `/v1/customers/${customerId}/trace`);
  expect(trace.status).toBe(200);
  const received = (trace.body.entries as { kind: string; detail: { event?: { properties?: unknown } } }[]).find(
    (e) => e.kind === 'event' && e.detail.event,
  );
  expect(received?.detail.event?.properties).toEqual({ invitedEmail: EMAIL, referrer: REFERRER });
});

test('the temporal CLI shows the history in clear through the codec server, given an admin key', async () => {
  // Asynchronously: the codec server answering the CLI runs in this process.
  const show = async (...codec: string[]) => {
    const args = ['workflow', 'show', '--address', world.env.address, '--workflow-id', customerWorkflowId(customerId)];
    const json = (await promisify(execFile)(temporalCliPath(process.env)!, [...args, '--output', 'json', ...codec]))
      .stdout;
    // Payloads' data as text (the CLI's JSON writes it in base64).
    return [...json.matchAll(/"data": "([A-Za-z0-9+/=]*)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString());
  };
  const through = await show('--codec-endpoint', `${api.url}/v1/codec`, '--codec-auth', `Bearer ${TEST_ADMIN_KEY}`);
  expect(through.some((text) => text.includes(REFERRER))).toBe(true);
  expect((await show()).some((text) => text.includes(REFERRER))).toBe(false);
});
