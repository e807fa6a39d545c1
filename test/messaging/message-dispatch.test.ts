// The message dispatch without a database: each reason a journey message does not go (in the
// order the send checks them), what one that goes says and carries, and that a preview of the
// same template for the same customer says the same, its link a placeholder.
import type { SendMessageInput } from '../../src/core/calls';
import { createMessageDispatch, type DispatchReads } from '../../src/messaging/message-dispatch';
import { digestEmail } from '../../src/messaging/suppressions';
import { createUnsubscribeLinks } from '../../src/messaging/unsubscribe';
import { sendInput } from './send-input';

const unsubscribe = createUnsubscribeLinks({
  secret: 'a-test-secret-that-is-long-enough-123',
  publicUrl: 'https://kairos.example',
});
/** Addresses the send's statement did not read, and what asking about them answers. */
let asked: string[];
const suppressions = {
  isSuppressed: async (email: string) => (asked.push(email), email === 'late@example.com' ? 'bounced' : null),
};
const dispatch = createMessageDispatch({ unsubscribe, suppressions });
beforeEach(() => (asked = []));

const template = {
  id: 'welcome-mail',
  channel: 'email',
  subject: 'Hi {{ customer.firstName }}',
  body:
    '<p>{{ traits.orderCount }} orders, {{ event.properties.source }}, {{ recommendations[0].name }}</p>' +
    '<a href="{{ unsubscribeUrl }}">unsubscribe</a>',
  version: 3,
};

const input = (over: Partial<SendMessageInput> = {}) =>
  sendInput({ recommendations: [{ productId: 'bag', name: 'Straw bag', price: 35, score: 1 }], ...over });

function reads(over: Partial<DispatchReads> = {}): DispatchReads {
  return {
    scope: { profile: { id: 'simona', firstName: 'Simona', email: 'simona@example.com' }, traits: { orderCount: 2 } },
    suppressionKinds: { [digestEmail('simona@example.com')]: [] },
    consent: { priority: 'marketing' },
    subscriptions: {},
    template,
    ...over,
  };
}

const withEmail = (email: unknown) => ({ scope: { profile: { id: 'simona', email }, traits: {} } });

test.each([
  ['the contact policy said skip', input({ skipReason: 'quiet hours' }), reads(), 'skipped', 'quiet hours'],
  ['the holdout variant', input({ variant: 'holdout' }), reads(), 'skipped', 'holdout'],
  ['an email to a customer with no email', input(), reads(withEmail(undefined)), 'skipped', 'no_email'],
  [
    'an address the statement read as suppressed (the strongest kind)',
    input(),
    reads({ suppressionKinds: { [digestEmail('simona@example.com')]: ['unsubscribed', 'complained'] } }),
    'skipped',
    'suppressed: complained',
  ],
  [
    'an address the statement did not read, suppressed when asked',
    input(),
    reads({ ...withEmail('late@example.com'), suppressionKinds: {} }),
    'skipped',
    'suppressed: bounced',
  ],
  [
    'a suppressed address on the webhook channel: suppressions follow the person',
    input({ channel: 'webhook', url: 'https://hooks.example/sms' }),
    reads({ suppressionKinds: { [digestEmail('simona@example.com')]: ['erased'] } }),
    'skipped',
    'suppressed: erased',
  ],
  ['a webhook step with no url', input({ channel: 'webhook' }), reads(), 'failed', 'webhook step has no url'],
  [
    'a customer who left the program version’s group',
    input(),
    reads({ consent: { subscriptionGroup: 'newsletter' }, subscriptions: { newsletter: false } }),
    'skipped',
    'unsubscribed: newsletter',
  ],
  ['a missing template', input(), reads({ template: null }), 'failed', 'template welcome-mail not found'],
])('does not send %s', async (_, send, read, status, reason) => {
  expect(await dispatch.decide(send, read)).toEqual({ go: false, outcome: { status, reason } });
});

test('a template that cannot be rendered fails the message with Liquid’s reason', async () => {
  const broken = { ...template, body: '{{ customer.firstName | nope }}' };
  const decided = await dispatch.decide(input(), reads({ template: broken }));
  expect(decided).toMatchObject({ go: false, outcome: { status: 'failed' } });
  expect(!decided.go && decided.outcome.reason).toMatch(/^template welcome-mail cannot be rendered: .*nope/);
});

test('a marketing email goes to the profile’s address, rendered, with its signed one-click link', async () => {
  const link = unsubscribe.url('simona', 'marketing');
  expect(await dispatch.decide(input(), reads())).toEqual({
    go: true,
    recipient: 'simona@example.com',
    templateVersion: 3,
    content: {
      subject: 'Hi Simona',
      html: `<p>2 orders, web, Straw bag</p><a href="${link}">unsubscribe</a>`,
    },
    headers: { 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  });
  expect(asked).toEqual([]);
});

test('a transactional message carries no link and ignores consent; a webhook needs no email', async () => {
  const transactional = reads({ consent: { priority: 'transactional' }, subscriptions: { marketing: false } });
  expect(await dispatch.decide(input(), transactional)).toMatchObject({
    go: true,
    content: { html: '<p>2 orders, web, Straw bag</p><a href="">unsubscribe</a>' },
    headers: undefined,
  });
  const hook = input({ channel: 'webhook', url: 'https://hooks.example/sms' });
  expect(await dispatch.decide(hook, reads(withEmail(undefined)))).toMatchObject({
    go: true,
    recipient: 'https://hooks.example/sms',
  });
});

test('a preview says what the send says to the same customer, with a link that unsubscribes nobody', async () => {
  const send = input();
  const decided = await dispatch.decide(send, reads());
  const preview = await dispatch.preview(template, {
    scope: reads().scope,
    event: send.entryEvent,
    recommendations: send.recommendations,
  });
  if (!decided.go) throw new Error('the send should go');
  const signed = unsubscribe.url('simona', 'marketing');
  expect(preview).toEqual({
    subject: decided.content.subject,
    html: decided.content.html.replace(signed, unsubscribe.placeholderUrl),
  });
  expect(preview.html).toContain(unsubscribe.placeholderUrl);
});
