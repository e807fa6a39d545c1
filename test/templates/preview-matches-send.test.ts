// A template preview and a journey send of the same template to the same customer, on a real
// PostgreSQL: the marketer sees what the customer gets (subject and body), but for the unsubscribe
// link, which in a preview is a placeholder that unsubscribes nobody.
import { createMessagingActivities } from '../../activities/messaging-activities';
import type { CustomerEvent } from '../../src/core/state';
import type { EmailSender, OutgoingEmail } from '../../src/messaging/email-sender';
import { createUnsubscribeLinks } from '../../src/messaging/unsubscribe';
import { createTemplatePreview } from '../../src/templates/template-preview';
import { createTemplateService } from '../../src/templates/template-service';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { sendInput } from '../messaging/send-input';

let database: TestDatabase;
const outbox: OutgoingEmail[] = [];
const email: EmailSender = { send: async (message) => (outbox.push(message), { providerMessageId: 'sg-1' }) };
const unsubscribe = createUnsubscribeLinks({
  secret: 'a-test-secret-that-is-long-enough-123',
  publicUrl: 'https://kairos.example',
});
const now = new Date('2026-02-01T10:00:00.000Z');
const clock = { now: () => now };

beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  await db.program.create({ data: { id: 'welcome', name: 'Welcome', status: 'live', draft: {} } });
  await db.programVersion.create({
    data: {
      programId: 'welcome',
      version: 1,
      definition: { priority: 'marketing', steps: [] },
      triggerEvent: 'signup',
    },
  });
  await db.customer.create({
    data: {
      id: 'simona',
      traits: { firstName: 'Simona', city: 'Ljubljana' },
      identifiers: { create: [{ kind: 'email', value: 'simona@example.com' }] },
    },
  });
  await createTemplateService(db).save(
    'welcome-mail',
    {
      channel: 'email',
      subject: '{{ customer.firstName }}, welcome',
      body:
        '<p>{{ customer.city }}: {{ traits.orderCount }} orders, {{ event.properties.source }}</p>' +
        '{% for r in recommendations %}<li>{{ r.name }}</li>{% endfor %}<a href="{{ unsubscribeUrl }}">unsubscribe</a>',
    },
    'test',
  );
});
afterAll(() => database?.drop());

test('a preview and a send of one template to one customer say the same, but for the link', async () => {
  const { db } = database;
  const event = { type: 'signup', properties: { source: 'web' } };
  const preview = await createTemplatePreview({ db, templates: createTemplateService(db), unsubscribe, clock }).preview(
    'welcome-mail',
    { customerId: 'simona', event },
  );

  const entryEvent: CustomerEvent = { id: 'preview', occurredAt: now.toISOString(), ...event };
  const { sendMessage } = createMessagingActivities({
    db,
    email,
    emailFrom: 'shop@example.com',
    unsubscribe,
    webhooks: {
      post: () => Promise.reject(new Error('not a webhook send')),
    },
    clock,
  });
  const outcome = await sendMessage(sendInput({ entryEvent, scheduledAt: now.getTime() }));

  expect(outcome).toEqual({ status: 'sent', providerMessageId: 'sg-1' });
  const [sent] = outbox;
  expect(preview).toEqual({
    subject: 'Simona, welcome',
    html: sent!.html.replace(unsubscribe.url('simona', 'marketing'), unsubscribe.placeholderUrl),
    version: 1,
  });
  expect(sent!.subject).toBe(preview.subject);
  expect(preview.html).toBe(`<p>Ljubljana: 0 orders, web</p><a href="${unsubscribe.placeholderUrl}">unsubscribe</a>`);
});
