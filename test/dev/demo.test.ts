// What `npm start` says about Simona's email: what really happened to it, read from its message row.
import { demoEmail, demoInstructions, type DemoEmail } from '../../src/dev/demo';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

const instructions = (email: DemoEmail) =>
  demoInstructions({
    apiUrl: 'http://127.0.0.1:3000',
    key: 'k',
    sinkUrl: 'http://127.0.0.1:3030',
    uiUrl: 'http://127.0.0.1:8233',
    simonaId: 'simona-1',
    email,
  });

test('the banner says the email is in the inbox only when it was sent', () => {
  expect(instructions({ status: 'sent' })).toContain('her cross-sell email is in the inbox');
  const capped = instructions({ status: 'skipped', reason: 'cap (2 per 24h)' });
  expect(capped).not.toContain('is in the inbox');
  expect(capped).toContain('her cross-sell email was not sent: the contact policy skipped it (cap (2 per 24h))');
  expect(capped).toContain('KAIROS_EMAIL_CAPS=off');
  expect(capped).toContain('/v1/customers/simona-1/trace');
  expect(instructions({ status: 'skipped', reason: 'unsubscribed: marketing' })).toContain(
    'her cross-sell email was not sent: it was skipped (unsubscribed: marketing)',
  );
  expect(instructions({ status: 'failed', reason: 'SendGrid answered 500' })).toContain(
    'sending her cross-sell email failed (SendGrid answered 500)',
  );
  expect(instructions({ status: 'pending' })).toContain('her cross-sell email is not out yet');
});

async function message(key: string, status: string, reason: string | null = null) {
  await database.db.message.create({
    data: {
      key,
      customerId: 'simona-1',
      enrollmentId: 'e',
      programId: 'demo-cross-sell',
      stepId: 'send-cross-sell',
      channel: 'email',
      templateId: 'demo-cross-sell',
      status,
      reason,
      scheduledAt: new Date(),
    },
  });
}

test("reads the outcome of this start's message, not an earlier one's, once it has settled", async () => {
  await message('earlier/send/1', 'sent');
  const earlier = new Set(['earlier/send/1']);
  expect(await demoEmail(database.db, { simonaId: 'simona-1', earlierMessages: earlier }, 300)).toEqual({
    status: 'pending',
  });
  await message('now/send/1', 'queued');
  const settling = demoEmail(database.db, { simonaId: 'simona-1', earlierMessages: earlier }, 10_000);
  await new Promise((resolve) => setTimeout(resolve, 300));
  await database.db.message.update({
    where: { key: 'now/send/1' },
    data: { status: 'skipped', reason: 'cap (2 per 24h)' },
  });
  expect(await settling).toEqual({ status: 'skipped', reason: 'cap (2 per 24h)' });
});
