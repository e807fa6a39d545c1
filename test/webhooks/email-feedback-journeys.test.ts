// Email feedback steering journeys on the time-skipping server: bounces, complaints and
// unsubscribes suppress later sends, and an open posted by the sink (signed, over HTTP) wakes a
// waitForEvent step that sends the follow-up.
import { digestEmail } from '../../src/messaging/suppressions';
import { launchProgram, seedTemplates } from '../helpers/seed';
import { customer, inboxOf, send, settledMessages, stepRecord } from '../workflows/helpers';
import { postWebhook, sgEvent, signBatch, startWebhookWorld, type WebhookWorld } from './helpers';

let world: WebhookWorld;

beforeAll(async () => {
  world = await startWebhookWorld();
  await seedTemplates(world.database.db, ['wh-first', 'wh-second', 'wh-hello', 'wh-follow-up']);
  await launchProgram(world.database.db, 'two-sends', {
    name: 'Two sends a day apart',
    entry: { event: 'wh_twice' },
    start: 'first',
    steps: {
      first: { kind: 'send', channel: 'email', template: 'wh-first', next: 'wait-1d' },
      'wait-1d': { kind: 'wait', duration: '1d', next: 'second' },
      second: { kind: 'send', channel: 'email', template: 'wh-second', next: 'done' },
      done: { kind: 'exit' },
    },
  });
  await launchProgram(world.database.db, 'open-follow-up', {
    name: 'Follow up on an open',
    entry: { event: 'wh_hello' },
    start: 'hello',
    steps: {
      hello: { kind: 'send', channel: 'email', template: 'wh-hello', next: 'wait-open' },
      'wait-open': {
        kind: 'waitForEvent',
        event: { type: 'email_opened', where: { field: 'event.properties.templateId', op: 'eq', value: 'wh-hello' } },
        timeout: '1d',
        next: { matched: 'follow-up', timedOut: 'done' },
      },
      'follow-up': { kind: 'send', channel: 'email', template: 'wh-follow-up', next: 'done' },
      done: { kind: 'exit' },
    },
  });
});
afterAll(() => world?.stop());

test(
  'a bounce, a spam report or an unsubscribe suppresses the address: ' +
    'the next journey send is skipped and nothing is emailed',
  async () => {
    const cases = [
      {
        email: 'bounce@example.com',
        event: sgEvent('bounce', { email: 'bounce@example.com', type: 'bounce', reason: '550 mailbox gone' }),
        kind: 'bounced',
        type: 'email_bounced',
      },
      {
        email: 'spam@example.com',
        event: sgEvent('spamreport', { email: 'spam@example.com' }),
        kind: 'complained',
        type: 'email_complained',
      },
      {
        email: 'unsub@example.com',
        event: sgEvent('unsubscribe', { email: 'unsub@example.com' }),
        kind: 'unsubscribed',
        type: 'email_unsubscribed',
      },
    ];
    const ids: string[] = [];
    for (const c of cases) {
      const id = await customer(world, c.email);
      ids.push(id);
      await send(world, c.email, 'wh_twice', `twice-${c.kind}`);
      const [first] = await settledMessages(world, id, 1);
      expect([first?.templateId, first?.status]).toEqual(['wh-first', 'sent']);
      const res = await postWebhook(
        world.webhookUrl,
        signBatch(world.signer, [{ ...c.event, message_key: first!.key }]),
      );
      expect([res.status, res.body.ingested]).toEqual([200, 1]);

      const suppression = await world.database.db.suppression.findMany({
        where: { emailDigest: digestEmail(c.email) },
      });
      expect(suppression.map((s) => [s.kind, s.customerId])).toEqual([[c.kind, id]]);
      const stored = await world.database.db.event.findUniqueOrThrow({
        where: { id: `sendgrid:${String(c.event.sg_event_id)}` },
      });
      expect([stored.customerId, stored.type, (stored.properties as { messageKey?: string }).messageKey]).toEqual([
        id,
        c.type,
        first!.key,
      ]);
    }

    await world.env.sleep('25h');
    for (const [i, c] of cases.entries()) {
      const messages = await settledMessages(world, ids[i]!, 2);
      expect(messages.map((m) => [m.templateId, m.status, m.reason])).toEqual([
        ['wh-first', 'sent', c.kind === 'bounced' ? 'bounced: 550 mailbox gone' : null],
        ['wh-second', 'skipped', `suppressed: ${c.kind}`],
      ]);
      const step = await stepRecord(world, ids[i]!, { kind: 'send', outcome: `skipped: suppressed: ${c.kind}` });
      expect(step.stepId).toBe('second');
      expect(inboxOf(world, c.email).map((m) => m.subject)).toEqual(['wh-first for ' + c.email.split('@')[0]]);
    }
  },
);

test(
  'the whole loop: a journey email, an open clicked in the sink ' +
    'and posted as a signed webhook, and the follow-up it wakes',
  async () => {
    const id = await customer(world, 'opener@example.com');
    await send(world, 'opener@example.com', 'wh_hello', 'hello-1');
    const [hello] = await settledMessages(world, id, 1);
    const [mail] = inboxOf(world, 'opener@example.com');
    expect([hello?.templateId, mail?.customArgs.message_key]).toEqual(['wh-hello', hello?.key]);

    const opened = await fetch(`${world.sink.url}/inbox/${encodeURIComponent(mail!.id)}/open`, { method: 'POST' });
    const { delivered, events } = (await opened.json()) as { delivered: boolean; events: { sg_event_id: string }[] };
    expect([opened.status, delivered]).toEqual([200, true]);

    const wait = await stepRecord(world, id, { kind: 'waitForEvent' });
    expect([wait.outcome, wait.detail]).toEqual([
      'matched',
      { eventId: `sendgrid:${events[0]!.sg_event_id}`, next: 'follow-up' },
    ]);
    const messages = await settledMessages(world, id, 2);
    expect(messages.map((m) => [m.templateId, m.status])).toEqual([
      ['wh-hello', 'sent'],
      ['wh-follow-up', 'sent'],
    ]);
    expect(inboxOf(world, 'opener@example.com').map((m) => m.subject)).toEqual([
      'wh-hello for opener',
      'wh-follow-up for opener',
    ]);
    const types = (
      await world.database.db.event.findMany({ where: { customerId: id, id: { startsWith: 'sendgrid:' } } })
    ).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['email_delivered', 'email_opened']));
  },
);
