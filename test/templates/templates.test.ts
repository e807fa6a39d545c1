// Templates over real HTTP on the time-skipping world: every save is a version, journey messages
// record the version they rendered, previews render for a real customer, test sends reach the sink.
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';
import { launchProgram, seedCatalogue } from '../helpers/seed';
import { startWorld, type World } from '../helpers/world';
import { expectProblem, listen, type ApiServer } from '../integration/http';
import { customer, inboxOf, send, settledMessages } from '../workflows/helpers';

let world: World;
let api: ApiServer;

const welcome: ProgramDefinitionInput = {
  name: 'Welcome',
  entry: { event: 'signup' },
  start: 'hello',
  steps: { hello: { kind: 'send', channel: 'email', template: 'welcome', next: 'done' }, done: { kind: 'exit' } },
};

beforeAll(async () => {
  world = await startWorld('time-skipping');
  api = await listen(world.api.app);
  await seedCatalogue(world.database.db);
});
afterAll(async () => {
  await api?.close();
  await world?.stop();
});

const saveTemplate = (id: string, subject: string, body: string) =>
  api.request('PUT', `/v1/templates/${id}`, { json: { subject, body } });

describe('versioning', () => {
  test('two saves make versions 1 and 2; the template shows the second, the history both', async () => {
    const first = await saveTemplate('welcome', 'Hello {{ customer.firstName }}', '<p>v1</p>');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: 'welcome', version: 1, subject: 'Hello {{ customer.firstName }}' });
    const second = await saveTemplate('welcome', 'Welcome, {{ customer.firstName }}', '<p>v2 {{ unsubscribeUrl }}</p>');
    expect(second.body).toMatchObject({ id: 'welcome', version: 2 });

    expect((await api.request('GET', '/v1/templates/welcome')).body).toMatchObject({
      version: 2,
      subject: 'Welcome, {{ customer.firstName }}',
      body: '<p>v2 {{ unsubscribeUrl }}</p>',
    });
    const history = await api.request('GET', '/v1/templates/welcome/versions');
    expect(history.body.map((v: { version: number; body: string }) => [v.version, v.body])).toEqual([
      [2, '<p>v2 {{ unsubscribeUrl }}</p>'],
      [1, '<p>v1</p>'],
    ]);
    const audit = await api.request('GET', '/v1/audit?resource=template:welcome');
    expect(audit.body.entries.map((e: { action: string; after: unknown }) => [e.action, e.after])).toEqual([
      ['template.save', { version: 2 }],
      ['template.save', { version: 1 }],
    ]);
  });

  test(
    'a template whose Liquid does not parse (or uses an unknown filter) ' + 'is refused 422 and saves no version',
    async () => {
      for (const [subject, body, path] of [
        ['Hi {{ customer.firstName | shout }}', '<p>x</p>', '$.subject'],
        ['Hi', '{% if %}', '$.body'],
      ] as const) {
        const res = await saveTemplate('broken', subject, body);
        expectProblem(res, 422);
        expect(res.body.errors[0].path).toBe(path);
      }
      expectProblem(await api.request('GET', '/v1/templates/broken/versions'), 404);
      expectProblem(await api.request('GET', '/v1/templates/broken'), 404);
    },
  );

  test('a journey message records the template version it rendered', async () => {
    await launchProgram(world.database.db, 'welcome', welcome);
    const id = await customer(world, 'versioned@example.com');
    await send(world, 'versioned@example.com', 'signup', 'signup-versioned');
    const [message] = await settledMessages(world, id, 1);
    expect(message).toMatchObject({
      status: 'sent',
      templateId: 'welcome',
      templateVersion: 2,
      subject: 'Welcome, versioned',
    });
    expect(inboxOf(world, 'versioned@example.com').map((m) => m.subject)).toEqual(['Welcome, versioned']);

    await saveTemplate('welcome', 'Version three for {{ customer.firstName }}', '<p>v3</p>');
    await send(world, 'versioned@example.com', 'signup', 'signup-versioned-2');
    const messages = await settledMessages(world, id, 2);
    expect(messages.map((m) => [m.templateVersion, m.subject])).toEqual([
      [2, 'Welcome, versioned'],
      [3, 'Version three for versioned'],
    ]);
  });

  test('a template written without a version (an old row) still sends, with no version recorded', async () => {
    await world.database.db.template.create({
      data: { id: 'legacy', subject: 'Legacy for {{ customer.firstName }}', body: '<p>old</p>' },
    });
    await launchProgram(world.database.db, 'legacy', {
      ...welcome,
      name: 'Legacy',
      entry: { event: 'legacy_signup' },
      steps: { ...welcome.steps, hello: { kind: 'send', channel: 'email', template: 'legacy', next: 'done' } },
    });
    const id = await customer(world, 'legacy@example.com');
    await send(world, 'legacy@example.com', 'legacy_signup', 'legacy-1');
    const [message] = await settledMessages(world, id, 1);
    expect(message).toMatchObject({ status: 'sent', templateVersion: null, subject: 'Legacy for legacy' });
  });
});

describe('preview', () => {
  beforeAll(async () => {
    await saveTemplate(
      'picks',
      '{{ customer.firstName }}, picked for you',
      '<p>Hi {{ customer.firstName }}</p>{% for r in recommendations %}<li>{{ r.name }}</li>{% endfor %}' +
        '<a href="{{ unsubscribeUrl }}">unsubscribe</a>',
    );
  });

  test(
    'renders the current version for a real customer: ' + 'their name, and recommendations seeded by the event',
    async () => {
      const id = await customer(world, 'ana@example.com');
      const res = await api.request('POST', '/v1/templates/picks/preview', {
        json: { customerId: id, event: { type: 'purchase', properties: { items: [{ productId: 'dress-linen' }] } } },
      });
      expect(res.status).toBe(200);
      expect(res.body.subject).toBe('ana, picked for you');
      expect(res.body.version).toBe(1);
      expect(res.body.html).toContain('<p>Hi ana</p>');
      // The recommendation logic the journeys use: summer items that go with the dress, the sold-out belt left out.
      expect(res.body.html).toContain('<li>Straw bag</li><li>Leather sandals</li>');
      expect(res.body.html).not.toContain('Woven belt');
      // A placeholder, never a working link: clicking it in a preview must not unsubscribe anyone.
      expect(res.body.html).toContain('href="http://kairos.test/v1/unsubscribe?token=preview"');
      expect(await world.database.db.message.count({ where: { customerId: id } })).toBe(0);
    },
  );

  test('an unknown customer or template is a 404; a missing customerId a 400', async () => {
    expectProblem(await api.request('POST', '/v1/templates/picks/preview', { json: { customerId: 'nobody' } }), 404);
    expectProblem(await api.request('POST', '/v1/templates/nothing/preview', { json: { customerId: 'nobody' } }), 404);
    expectProblem(await api.request('POST', '/v1/templates/picks/preview', { json: {} }), 400);
  });
});

describe('test send', () => {
  test('emails the rendered template to the given address through the EmailSender: it lands in the sink', async () => {
    const id = await customer(world, 'bojan@example.com');
    const res = await api.request('POST', '/v1/templates/picks/test-send', {
      json: { to: 'marketer@example.com', customerId: id },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ to: 'marketer@example.com', subject: '[Test] bojan, picked for you', version: 1 });
    const [mail] = inboxOf(world, 'marketer@example.com');
    expect(mail?.subject).toBe('[Test] bojan, picked for you');
    expect(mail?.html).toContain('<p>Hi bojan</p>');
    expect(mail?.headers['List-Unsubscribe']).toBeUndefined();
    expect(inboxOf(world, 'bojan@example.com')).toHaveLength(0);
  });

  test('without a customer it renders with an empty profile; a bad address is a 400', async () => {
    const res = await api.request('POST', '/v1/templates/picks/test-send', { json: { to: 'designer@example.com' } });
    expect(res.status).toBe(200);
    expect(inboxOf(world, 'designer@example.com').map((m) => m.subject)).toEqual(['[Test] , picked for you']);
    expectProblem(await api.request('POST', '/v1/templates/picks/test-send', { json: { to: 'not-an-address' } }), 400);
  });
});
