// sendMessage on a real PostgreSQL, called directly: the exactly-once protocol row by row
// (docs/ARCHITECTURE.md "Sending exactly once"), each decision it makes before sending, and how
// many statements one successful send costs.
import { Client } from 'pg';
import { createMessagingActivities } from '../../activities/messaging-activities';
import type { SendMessageInput } from '../../src/core/calls';
import {
  EmailRejectedError,
  EmailUnavailableError,
  type EmailSender,
  type OutgoingEmail,
} from '../../src/messaging/email-sender';
import { digestEmail } from '../../src/messaging/suppressions';
import { createUnsubscribeLinks } from '../../src/messaging/unsubscribe';
import type { WebhookSender } from '../../src/messaging/webhook-port';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { sendInput } from './send-input';

let database: TestDatabase;
let outbox: OutgoingEmail[];
/** What the next provider call does: answer with an id, or throw. */
let provider: (email: OutgoingEmail) => Promise<{ providerMessageId: string | null }>;

const email: EmailSender = { send: (message) => (outbox.push(message), provider(message)) };
const webhooks: WebhookSender = { post: async () => ({ providerMessageId: 'hook-1' }) };
const unsubscribe = createUnsubscribeLinks({
  secret: 'a-test-secret-that-is-long-enough-123',
  publicUrl: 'https://kairos.example',
});

const activities = () =>
  createMessagingActivities({ db: database.db, email, emailFrom: 'shop@example.com', unsubscribe, webhooks });

let seq = 0;
function input(over: Partial<SendMessageInput> = {}): SendMessageInput {
  seq += 1;
  return sendInput({
    key: `enr-${seq}/welcome/1`,
    enrollmentId: `enr-${seq}`,
    entryEvent: { id: `ev-${seq}`, type: 'signup', occurredAt: '2026-02-01T10:00:00Z', properties: { source: 'web' } },
    scheduledAt: Date.UTC(2026, 1, 1, 10, 0, 0, 123),
    ...over,
  });
}

const messageRow = (key: string) => database.db.message.findUniqueOrThrow({ where: { key } });

beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  await db.program.create({ data: { id: 'welcome', name: 'Welcome', status: 'live', draft: {} } });
  await db.program.create({ data: { id: 'receipts', name: 'Receipts', status: 'live', draft: {} } });
  await db.program.create({ data: { id: 'news', name: 'News', status: 'live', draft: {} } });
  await db.programVersion.createMany({
    data: [
      { programId: 'welcome', version: 1, definition: { priority: 'marketing', steps: [] }, triggerEvent: 'signup' },
      {
        programId: 'receipts',
        version: 1,
        definition: { priority: 'transactional', steps: [] },
        triggerEvent: 'purchase',
      },
      {
        programId: 'news',
        version: 1,
        definition: { priority: 'marketing', subscriptionGroup: 'newsletter', steps: [] },
        triggerEvent: 'signup',
      },
    ],
  });
  await db.template.create({
    data: {
      id: 'welcome-mail',
      subject: 'Hi {{ customer.firstName }}',
      body: '<p>{{ traits.orderCount }} orders, {{ event.properties.source }}</p>',
    },
  });
  await db.templateVersion.create({
    data: {
      templateId: 'welcome-mail',
      version: 1,
      subject: 'Hi {{ customer.firstName }}',
      body: '<p>{{ traits.orderCount }} orders, {{ event.properties.source }}</p>',
    },
  });
  await db.template.create({ data: { id: 'broken', subject: 'Hi', body: '{{ customer.firstName | nope }}' } });
  await db.customer.create({
    data: {
      id: 'simona',
      traits: { firstName: 'Simona' },
      identifiers: { create: [{ kind: 'email', value: 'simona@example.com' }] },
    },
  });
});
beforeEach(() => {
  outbox = [];
  provider = async () => ({ providerMessageId: 'sg-1' });
});
afterAll(() => database?.drop());

/** Every statement sent to PostgreSQL while `fn` runs, Prisma's transaction statements included. */
async function statementsOf<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  const original = Client.prototype.query;
  Client.prototype.query = function (this: Client, ...args: unknown[]) {
    const config = args[0] as string | { text: string };
    statements.push((typeof config === 'string' ? config : config.text).trim());
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    return { result: await fn(), statements };
  } finally {
    Client.prototype.query = original;
  }
}

test('a successful email send takes at most 4 statements and no transaction block', async () => {
  const send = input();
  await activities().sendMessage(input()); // warm: the first Prisma call of a client connects and loads its compiler
  const { result, statements } = await statementsOf(() => activities().sendMessage(send));
  expect(result).toEqual({ status: 'sent', providerMessageId: 'sg-1' });
  console.log(
    `one successful send: ${statements.length} statements, ` +
      `${statements.filter((s) => /^BEGIN/i.test(s)).length} BEGIN\n` +
      `${statements.map((s) => `  ${s.replace(/\s+/g, ' ').slice(0, 160)}`).join('\n')}`,
  );
  expect(statements.filter((s) => /^(BEGIN|START TRANSACTION)/i.test(s))).toEqual([]);
  expect(statements.length).toBeLessThanOrEqual(4);
});

test('a sent message is written once, in UTC without time zone, with what was rendered', async () => {
  const send = input();
  const before = Date.now();
  await expect(activities().sendMessage(send)).resolves.toEqual({ status: 'sent', providerMessageId: 'sg-1' });
  const row = await messageRow(send.key);
  expect(row).toMatchObject({
    customerId: 'simona',
    enrollmentId: send.enrollmentId,
    programId: 'welcome',
    version: 1,
    variant: null,
    stepId: 'welcome',
    channel: 'email',
    templateId: 'welcome-mail',
    templateVersion: 1,
    recipient: 'simona@example.com',
    subject: 'Hi Simona',
    status: 'sent',
    reason: null,
    providerMessageId: 'sg-1',
    failedAttempts: 0,
    lastError: null,
  });
  expect(row.scheduledAt.toISOString()).toBe('2026-02-01T10:00:00.123Z');
  // Prisma reads timestamp(3) as UTC: a row written in another zone would be hours off.
  expect(row.sentAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
  expect(row.sentAt!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  expect(Math.abs(row.createdAt.getTime() - before)).toBeLessThan(60_000);
  expect(outbox).toHaveLength(1);
  expect(outbox[0]).toMatchObject({
    to: 'simona@example.com',
    from: 'shop@example.com',
    subject: 'Hi Simona',
    html: '<p>0 orders, web</p>',
    messageKey: send.key,
  });
  expect(outbox[0]!.headers?.['List-Unsubscribe']).toBe(`<${unsubscribe.url('simona', 'marketing')}>`);

  // A retry answers from the row and sends nothing.
  await expect(activities().sendMessage(send)).resolves.toEqual({ status: 'sent', providerMessageId: 'sg-1' });
  expect(outbox).toHaveLength(1);
});

test('a transactional message carries no unsubscribe link and ignores consent', async () => {
  await database.db.subscription.create({ data: { customerId: 'simona', group: 'marketing', subscribed: false } });
  try {
    const send = input({ programId: 'receipts' });
    await expect(activities().sendMessage(send)).resolves.toEqual({ status: 'sent', providerMessageId: 'sg-1' });
    expect(outbox[0]!.headers).toBeUndefined();
  } finally {
    await database.db.subscription.deleteMany({});
  }
});

test('decisions without sending are final on the row', async () => {
  const { db } = database;
  const cases: [SendMessageInput, string, string][] = [];
  cases.push([input({ skipReason: 'cap: 1/day' }), 'skipped', 'cap: 1/day']);
  cases.push([input({ variant: 'holdout' }), 'skipped', 'holdout']);
  await db.customer.create({ data: { id: 'nomail', traits: { email: 42 } } });
  cases.push([input({ customerId: 'nomail' }), 'skipped', 'no_email']);
  cases.push([input({ customerId: 'ghost' }), 'skipped', 'no_email']);
  cases.push([input({ templateId: 'missing' }), 'failed', 'template missing not found']);
  cases.push([input({ channel: 'webhook', url: undefined }), 'failed', 'webhook step has no url']);
  await db.subscription.create({ data: { customerId: 'simona', group: 'newsletter', subscribed: false } });
  cases.push([input({ programId: 'news' }), 'skipped', 'unsubscribed: newsletter']);
  for (const [send, status, reason] of cases) {
    await expect(activities().sendMessage(send)).resolves.toEqual({ status, reason });
    await expect(messageRow(send.key)).resolves.toMatchObject({ status, reason });
    await expect(activities().sendMessage(send)).resolves.toEqual({ status, reason });
  }
  const broken = input({ templateId: 'broken' });
  const outcome = await activities().sendMessage(broken);
  expect(outcome).toMatchObject({
    status: 'failed',
    reason: expect.stringMatching(/^template broken cannot be rendered: /),
  });
  expect(outbox).toEqual([]);
});

test(
  'suppressions follow the address, trimmed and lower-cased; ' +
    'the strongest kind is reported, and an unknown kind still suppresses',
  async () => {
    const { db } = database;
    await db.customer.create({ data: { id: 'ana', traits: { email: '  Ana@Example.COM\n' } } });
    await db.customer.create({
      data: { id: 'bor', identifiers: { create: [{ kind: 'email', value: 'bor@example.com' }] } },
    });
    await db.customer.create({ data: { id: 'zala', traits: { email: 'Žala@Example.com' } } });
    await db.customer.create({
      data: { id: 'iris', identifiers: { create: [{ kind: 'email', value: 'İris@example.com' }] } },
    });
    await db.customer.create({ data: { id: 'eva', traits: { email: '\u00A0\u000Beva@example.com\t\u2028\uFEFF' } } });
    await db.suppression.createMany({
      data: [
        { emailDigest: digestEmail('ana@example.com'), kind: 'unsubscribed' },
        { emailDigest: digestEmail('ana@example.com'), kind: 'bounced' },
        { emailDigest: digestEmail('bor@example.com'), kind: 'zzz-new-kind' },
        { emailDigest: digestEmail('bor@example.com'), kind: 'aaa-new-kind' },
        { emailDigest: digestEmail('žala@example.com'), kind: 'complained' },
        { emailDigest: digestEmail('eva@example.com'), kind: 'erased' },
        { emailDigest: digestEmail('İris@example.com'), kind: 'bounced' },
      ],
    });
    // Found by the send's own statement (the digest computed in SQL trims and lower-cases as JS
    // does): one statement more only to record the skip.
    const ana = await statementsOf(() => activities().sendMessage(input({ customerId: 'ana' })));
    expect(ana.result).toEqual({ status: 'skipped', reason: 'suppressed: bounced' });
    expect(ana.statements).toHaveLength(2);
    await expect(activities().sendMessage(input({ customerId: 'bor' }))).resolves.toEqual({
      status: 'skipped',
      reason: 'suppressed: aaa-new-kind',
    });
    await expect(activities().sendMessage(input({ customerId: 'zala' }))).resolves.toEqual({
      status: 'skipped',
      reason: 'suppressed: complained',
    });
    const eva = await statementsOf(() => activities().sendMessage(input({ customerId: 'eva' })));
    expect(eva.result).toEqual({ status: 'skipped', reason: 'suppressed: erased' });
    expect(eva.statements).toHaveLength(2);
    // JS lower-cases İ to i + U+0307; PostgreSQL's lower() under glibc to i: the digests differ,
    // so the address is looked up again by its JS digest (one statement more).
    const iris = await statementsOf(() => activities().sendMessage(input({ customerId: 'iris' })));
    expect(iris.result).toEqual({ status: 'skipped', reason: 'suppressed: bounced' });
    expect(iris.statements.length).toBeLessThanOrEqual(3);
    // Whatever the channel.
    await expect(
      activities().sendMessage(input({ customerId: 'ana', channel: 'webhook', url: 'https://hooks.example/x' })),
    ).resolves.toEqual({ status: 'skipped', reason: 'suppressed: bounced' });
    expect(outbox).toEqual([]);
  },
);

test('a sending row found by a retry becomes sent, unconfirmed, and is not sent again', async () => {
  const send = input();
  provider = async () => {
    throw new Error('socket hang up');
  };
  await expect(activities().sendMessage(send)).rejects.toThrow('socket hang up');
  await expect(messageRow(send.key)).resolves.toMatchObject({
    status: 'sending',
    failedAttempts: 1,
    lastError: 'socket hang up',
  });
  provider = async () => ({ providerMessageId: 'sg-2' });
  await expect(activities().sendMessage(send)).resolves.toEqual({ status: 'sent', providerMessageId: null });
  await expect(messageRow(send.key)).resolves.toMatchObject({ status: 'sent', reason: 'unconfirmed' });
  expect(outbox).toHaveLength(1);
});

test('a definite "not accepted" goes back to queued and the retry sends; a refusal fails the message', async () => {
  const send = input();
  provider = async () => {
    throw new EmailUnavailableError('SendGrid answered 503', 503);
  };
  await expect(activities().sendMessage(send)).rejects.toThrow('503');
  await expect(messageRow(send.key)).resolves.toMatchObject({
    status: 'queued',
    failedAttempts: 1,
    lastError: 'SendGrid answered 503',
  });
  provider = async () => ({ providerMessageId: 'sg-3' });
  await expect(activities().sendMessage(send)).resolves.toEqual({ status: 'sent', providerMessageId: 'sg-3' });
  await expect(messageRow(send.key)).resolves.toMatchObject({
    status: 'sent',
    failedAttempts: 1,
    providerMessageId: 'sg-3',
  });

  const refused = input();
  provider = async () => {
    throw new EmailRejectedError('SendGrid refused: 400 bad address', 400);
  };
  await expect(activities().sendMessage(refused)).resolves.toEqual({
    status: 'failed',
    reason: 'SendGrid refused: 400 bad address',
  });
  await expect(messageRow(refused.key)).resolves.toMatchObject({ status: 'failed', failedAttempts: 0 });
});

test('a lost claim throws and sends nothing', async () => {
  const send = input();
  const original = Client.prototype.query;
  // Another attempt claims the row between this attempt's read and its claim: on the claim's own
  // connection, queued just before it (a pg connection runs its queries in order).
  Client.prototype.query = function (this: Client, ...args: unknown[]) {
    const config = args[0] as string | { text: string; values?: unknown[] };
    const shown = JSON.stringify([
      typeof config === 'string' ? config : config.text,
      args[1] ?? (typeof config === 'string' ? null : config.values),
    ]);
    if (/UPDATE/i.test(shown) && shown.includes('sending') && shown.includes('queued')) {
      Client.prototype.query = original;
      void (original as (...a: unknown[]) => Promise<unknown>).call(
        this,
        `UPDATE messages SET status = 'sending' WHERE key = $1`,
        [send.key],
      );
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    await expect(activities().sendMessage(send)).rejects.toThrow(
      `message ${send.key} is being sent by another attempt`,
    );
  } finally {
    Client.prototype.query = original;
  }
  expect(outbox).toEqual([]);
});
