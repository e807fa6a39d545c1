// POST /v1/webhooks/sendgrid over real HTTP on the time-skipping server: signatures, what a batch
// stores (events, message status, suppressions), and that a replayed batch changes nothing.
import { generateKeyPairSync } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { createApp } from '../../src/api/app';
import { createWebhookSigner } from '../../src/messaging/sink/webhook-signer';
import { digestEmail } from '../../src/messaging/suppressions';
import { customerWorkflowId } from '../../src/temporal/addressing';
import { launchProgram, seedTemplates } from '../helpers/seed';
import { eventually } from '../helpers/world';
import { customer, enrollments, messagesOf, settledMessages, stepRecord, stepsOf } from '../workflows/helpers';
import { listenOnFreePort, postWebhook, sgEvent, signBatch, startWebhookWorld, type WebhookWorld } from './helpers';

let world: WebhookWorld;

beforeAll(async () => {
  world = await startWebhookWorld();
  await seedTemplates(world.database.db, ['wh-thanks']);
  await launchProgram(world.database.db, 'after-click', {
    name: 'Thanks for the click',
    entry: { event: 'email_clicked', where: { field: 'event.properties.templateId', op: 'eq', value: 'wh-promo' } },
    start: 'thanks',
    steps: { thanks: { kind: 'send', channel: 'email', template: 'wh-thanks', next: 'done' }, done: { kind: 'exit' } },
  });
});
afterAll(() => world?.stop());

/** A message Kairos sent earlier, as the send activity leaves it when an attempt died mid-call. */
async function sentMessage(
  customerId: string,
  key: string,
  fields: { status?: string; reason?: string | null; providerMessageId?: string | null } = {},
) {
  return world.database.db.message.create({
    data: {
      key,
      customerId,
      enrollmentId: 'seed',
      programId: 'seed-program',
      stepId: 'promo',
      channel: 'email',
      templateId: 'wh-promo',
      status: fields.status ?? 'sent',
      reason: fields.reason === undefined ? 'unconfirmed' : fields.reason,
      providerMessageId: fields.providerMessageId ?? null,
      scheduledAt: new Date(),
    },
  });
}

const eventsOf = (customerId: string) =>
  world.database.db.event.findMany({
    where: { customerId, id: { startsWith: 'sendgrid:' } },
    orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
  });

test(
  'a validly signed batch, sent without an API key, ' +
    'is stored as customer events and confirms and annotates messages',
  async () => {
    const id = await customer(world, 'ada@example.com');
    await sentMessage(id, 'seed/ada/1');
    await sentMessage(id, 'seed/ada/2', { reason: null, providerMessageId: 'x-two' });
    await sentMessage(id, 'seed/ada/3', { reason: null, providerMessageId: 'x-three' });
    const t = Math.floor(Date.now() / 1000) - 60;
    const delivered = sgEvent('delivered', {
      email: 'ada@example.com',
      message_key: 'seed/ada/1',
      sg_message_id: 'x-one.filter0001.1.0',
      timestamp: t,
    });
    const open = sgEvent('open', { email: 'ada@example.com', message_key: 'seed/ada/1', timestamp: t + 1 });
    const bounce = sgEvent('bounce', {
      email: 'ada@example.com',
      message_key: 'seed/ada/2',
      type: 'bounce',
      reason: '550 5.1.1 unknown user',
      timestamp: t + 2,
    });
    const dropped = sgEvent('dropped', {
      email: 'ada@example.com',
      message_key: 'seed/ada/3',
      reason: 'Bounced Address',
      timestamp: t + 3,
    });
    const batch = [
      delivered,
      open,
      bounce,
      dropped,
      sgEvent('processed', { email: 'ada@example.com', message_key: 'seed/ada/1' }),
      sgEvent('open', { email: 'stranger@example.com', message_key: 'not/ours' }),
      { event: 'open' },
    ];

    const res = await postWebhook(world.webhookUrl, signBatch(world.signer, batch));
    expect([res.status, res.body]).toEqual([200, { received: 7, ingested: 4, duplicates: 0, ignored: 3 }]);

    const events = await eventsOf(id);
    expect(events.map((e) => [e.id, e.type, e.occurredAt.getTime() / 1000])).toEqual([
      [`sendgrid:${delivered.sg_event_id}`, 'email_delivered', t],
      [`sendgrid:${open.sg_event_id}`, 'email_opened', t + 1],
      [`sendgrid:${bounce.sg_event_id}`, 'email_bounced', t + 2],
      [`sendgrid:${dropped.sg_event_id}`, 'email_dropped', t + 3],
    ]);
    expect(events[1]!.properties).toEqual({
      messageKey: 'seed/ada/1',
      templateId: 'wh-promo',
      programId: 'seed-program',
      stepId: 'promo',
      sgMessageId: open.sg_message_id,
    });
    expect(events[2]!.properties).toMatchObject({
      messageKey: 'seed/ada/2',
      reason: '550 5.1.1 unknown user',
      bounceType: 'bounce',
    });
    const messages = await messagesOf(world, id);
    expect(messages.map((m) => [m.key, m.status, m.reason, m.providerMessageId])).toEqual([
      ['seed/ada/1', 'sent', null, 'x-one'],
      ['seed/ada/2', 'sent', 'bounced: 550 5.1.1 unknown user', 'x-two'],
      ['seed/ada/3', 'sent', 'dropped: Bounced Address', 'x-three'],
    ]);
    const suppressions = await world.database.db.suppression.findMany({
      where: { emailDigest: digestEmail('Ada@Example.com') },
    });
    expect(suppressions.map((s) => [s.kind, s.customerId, s.reason])).toEqual([
      ['bounced', id, '550 5.1.1 unknown user'],
    ]);
    // No program uses these types: stored, and signalled to no workflow (she has none).
    expect(events.map((e) => [e.unreferenced, e.deliveredAt !== null])).toEqual(events.map(() => [true, true]));
    await expect(world.env.client.workflow.getHandle(customerWorkflowId(id)).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
  },
);

test('a bad, missing, stale or tampered signature is a 401 problem and stores nothing', async () => {
  const id = await customer(world, 'mallory@example.com');
  await sentMessage(id, 'seed/mallory/1');
  const events = [sgEvent('spamreport', { email: 'mallory@example.com', message_key: 'seed/mallory/1' })];
  const otherKey = createWebhookSigner(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey);
  const good = signBatch(world.signer, events);
  const attempts = {
    'wrong key': signBatch(otherKey, events),
    'no signature': { ...good, headers: { 'content-type': 'application/json' } },
    'garbage signature': {
      ...good,
      headers: { ...good.headers, 'x-twilio-email-event-webhook-signature': 'bm90IGEgc2lnbmF0dXJl' },
    },
    tampered: { ...good, rawBody: good.rawBody.replace('spamreport', 'delivered') },
    'other timestamp': {
      ...good,
      headers: {
        ...good.headers,
        'x-twilio-email-event-webhook-timestamp': String(
          Number(good.headers['x-twilio-email-event-webhook-timestamp']) + 1,
        ),
      },
    },
    'older than 25h': signBatch(world.signer, events, Math.floor(Date.now() / 1000) - 26 * 3600),
  };
  for (const [what, post] of Object.entries(attempts)) {
    const res = await postWebhook(world.webhookUrl, post);
    expect([what, res.status, res.contentType, res.body.title]).toEqual([
      what,
      401,
      expect.stringContaining('application/problem+json'),
      'Unauthorized',
    ]);
  }
  expect(await eventsOf(id)).toEqual([]);
  expect(
    await world.database.db.suppression.count({ where: { emailDigest: digestEmail('mallory@example.com') } }),
  ).toBe(0);
  expect((await messagesOf(world, id))[0]?.reason).toBe('unconfirmed');
});

test(
  'a replayed batch (the same signed body re-sent) ' + 'has no second effect on events, messages or journeys',
  async () => {
    const id = await customer(world, 'replay@example.com');
    await sentMessage(id, 'seed/replay/1', { reason: null, providerMessageId: 'x-r' });
    const click = sgEvent('click', {
      email: 'replay@example.com',
      message_key: 'seed/replay/1',
      url: 'https://shop.example/summer',
    });
    const post = signBatch(world.signer, [click]);
    expect((await postWebhook(world.webhookUrl, post)).body).toMatchObject({ ingested: 1, duplicates: 0 });
    const [thanks] = await settledMessages(world, id, 1, { enrollmentId: `after-click/sendgrid:${click.sg_event_id}` });
    expect([thanks?.templateId, thanks?.status]).toEqual(['wh-thanks', 'sent']);
    await stepRecord(world, id, { kind: 'exit' });
    await enrollments(world, id, []);
    // The sink's own `delivered` for the thank-you arrives on its own; let it land before counting.
    await eventually(
      async () => (await eventsOf(id)).some((e) => e.type === 'email_delivered'),
      20_000,
      'the thank-you delivered',
    );
    // The click reached the workflow; the delivered, which no program uses, did not.
    await eventually(
      async () => (await world.api.deps.customers.journeyState(id)).eventsSeen === 1,
      20_000,
      'the click seen',
    );
    const before = {
      events: await eventsOf(id),
      messages: await messagesOf(world, id),
      steps: await stepsOf(world, id),
    };
    // SendGrid timestamps have whole seconds, so the click and the delivered can tie: find it by type.
    expect((await eventsOf(id)).find((e) => e.type === 'email_clicked')?.properties).toMatchObject({
      url: 'https://shop.example/summer',
      templateId: 'wh-promo',
    });

    const replay = await postWebhook(world.webhookUrl, post);
    expect([replay.status, replay.body]).toEqual([200, { received: 1, ingested: 0, duplicates: 1, ignored: 0 }]);
    await world.env.sleep('1h');
    expect(await eventsOf(id)).toEqual(before.events);
    expect(await messagesOf(world, id)).toEqual(before.messages);
    expect(await stepsOf(world, id)).toEqual(before.steps);
    expect((await world.api.deps.customers.journeyState(id)).eventsSeen).toBe(1);
    expect(world.sink.store.list({ to: 'replay@example.com' })).toHaveLength(1);
  },
);

test(
  'without a configured public key the webhook answers 503 problem+json, ' + 'and other /v1 routes still need a key',
  async () => {
    const unconfigured = await listenOnFreePort(createApp({ ...world.api.deps, webhookPublicKey: undefined }));
    try {
      const post = signBatch(world.signer, [sgEvent('open', { email: 'ada@example.com' })]);
      const res = await postWebhook(`${unconfigured.url}/v1/webhooks/sendgrid`, post);
      expect([res.status, res.contentType, res.body.title]).toEqual([
        503,
        expect.stringContaining('application/problem+json'),
        'Webhook not configured',
      ]);
      const guarded = await fetch(`${unconfigured.url}/v1/programs`);
      expect(guarded.status).toBe(401);
    } finally {
      await unconfigured.close();
    }
  },
);
