// The API routes the console reads: who a key is, the programs list with its live counts, step
// analytics with what each send became, the message list, the template list and draft previews.
import { seedTemplates } from '../helpers/seed';
import { NO_CONTACT_POLICY } from '../helpers/worker';
import { eventually, startWorld, type World } from '../helpers/world';
import { expectProblem, listen, type ApiServer } from './http';

let world: World;
let api: ApiServer;
let readKey: string;
let customerId: string;

beforeAll(async () => {
  world = await startWorld('dev-server', { contactPolicy: NO_CONTACT_POLICY });
  api = await listen(world.api.app);
  await seedTemplates(world.database.db, ['welcome', 'unused']);
  readKey = (await api.request('POST', '/v1/api-keys', { json: { name: 'viewer', scopes: ['read'] } })).body.key;
  const definition = {
    name: 'Welcome',
    entry: { event: 'signup' },
    start: 'send-welcome',
    steps: {
      'send-welcome': { kind: 'send', channel: 'email', template: 'welcome', next: 'wait-a-day' },
      'wait-a-day': { kind: 'wait', duration: '1d', next: 'done' },
      done: { kind: 'exit' },
    },
  };
  await api.request('POST', '/v1/programs', { json: { id: 'welcome', definition } });
  await api.request('POST', '/v1/programs/welcome/versions', { json: {} });
  await api.request('POST', '/v1/programs/welcome/launch', { json: { version: 1 } });
  const posted = await api.request('POST', '/v1/events', {
    json: { type: 'signup', customer: { email: 'ana@example.com' }, properties: {} },
  });
  customerId = posted.body.customerId;
  await eventually(
    async () => {
      const sent = await api.request('GET', '/v1/messages?status=sent', { auth: `Bearer ${readKey}` });
      return sent.body.length === 1 || undefined;
    },
    60_000,
    'the welcome email',
  );
});
afterAll(async () => {
  await api?.close();
  await world?.stop();
});

test('whoami names the key and its scopes', async () => {
  expect((await api.request('GET', '/v1/whoami')).body).toEqual({ keyId: 'bootstrap', scopes: ['admin'] });
  const viewer = await api.request('GET', '/v1/whoami', { auth: `Bearer ${readKey}` });
  expect(viewer.body).toEqual({ keyId: expect.any(String), scopes: ['read'] });
  expectProblem(await api.request('GET', '/v1/whoami', { auth: 'Bearer nope-not-a-key-0123456789' }), 401);
});

test('the programs list says who is in each program now and who entered in the last 7 days', async () => {
  const list = await api.request('GET', '/v1/programs', { auth: `Bearer ${readKey}` });
  expect(list.status).toBe(200);
  expect(list.body).toEqual([
    expect.objectContaining({
      id: 'welcome',
      status: 'live',
      activeNow: 1,
      entered7d: 1,
      converted7d: 0,
      experiment: null,
      rollout: null,
    }),
  ]);
});

test('step analytics: who reached each step, who is done with it, who waits, what each send became', async () => {
  const analytics = await eventually(async () => {
    const res = await api.request('GET', '/v1/programs/welcome/analytics', { auth: `Bearer ${readKey}` });
    const steps = res.body.versions[0]?.steps;
    return steps?.['wait-a-day']?.waitingNow === 1 ? steps : undefined;
  }, 30_000);
  expect(analytics['send-welcome']).toMatchObject({ arrived: 1, visits: 1, waitingNow: 0, exits: {} });
  expect(analytics['send-welcome'].sends).toEqual({ sent: 1, failed: 0, skipped: {} });
  expect(analytics['wait-a-day']).toMatchObject({ arrived: 1, visits: 0, waitingNow: 1 });
});

test('the message list filters by program and status, and refuses an unknown status', async () => {
  const sent = await api.request('GET', '/v1/messages?programId=welcome&status=sent', { auth: `Bearer ${readKey}` });
  expect(sent.body).toEqual([
    expect.objectContaining({ customerId, programId: 'welcome', stepId: 'send-welcome', status: 'sent', reason: null }),
  ]);
  expect((await api.request('GET', '/v1/messages?status=skipped')).body).toEqual([]);
  expect((await api.request('GET', '/v1/messages?programId=other')).body).toEqual([]);
  const bad = await api.request('GET', '/v1/messages?status=lost');
  expectProblem(bad, 400);
  expect(bad.body.errors[0].path).toBe('$.query.status');
});

test('the template list gives every template; a preview renders unsaved content for a real customer', async () => {
  const list = await api.request('GET', '/v1/templates', { auth: `Bearer ${readKey}` });
  expect(list.body.map((t: { id: string }) => t.id)).toEqual(['unused', 'welcome']);
  const preview = await api.request('POST', '/v1/templates/welcome/preview', {
    auth: `Bearer ${readKey}`,
    json: { customerId, draft: { subject: 'Hi {{ customer.email }}', body: '<p>new</p>' } },
  });
  expect(preview.status).toBe(200);
  expect(preview.body).toMatchObject({ subject: 'Hi ana@example.com', version: null });
  expect(preview.body.html).toContain('<p>new</p>');
  // The saved version is untouched.
  expect((await api.request('GET', '/v1/templates/welcome')).body.body).toBe(
    '<p>welcome</p>{% for r in recommendations %}<li>{{ r.name }}</li>{% endfor %}',
  );
});

test('a read key cannot act', async () => {
  const res = await api.request('POST', '/v1/programs/welcome/pause', { auth: `Bearer ${readKey}` });
  expectProblem(res, 403);
  expect(res.body.requiredScope).toBe('admin');
});
