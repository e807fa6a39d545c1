// The program language's rules on the time-skipping server, one small program per rule, each with
// its own trigger event type: goals, re-entry, instance limits, event waits, branches, dedupe and
// a failed send's fallback.
import { programAnalytics } from '../../src/analytics/program-analytics';
import { customerWorkflowId } from '../../src/temporal/addressing';
import { codecsOf, decodeHistory } from '../../src/temporal/history-codec';
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';
import { launchProgram, seedTemplates } from '../helpers/seed';
import { eventually, startWorld, type World } from '../helpers/world';
import {
  customer,
  enrollments,
  HOUR,
  inboxOf,
  messagesOf,
  send,
  settledMessages,
  stepRecord,
  stepsOf,
} from './helpers';

const email = (template: string, next: string, onFailure?: string) => ({
  kind: 'send' as const,
  channel: 'email' as const,
  template,
  next,
  onFailure,
});
const done = { kind: 'exit' as const };

const programs: Record<string, ProgramDefinitionInput> = {
  'goal-exit': {
    name: 'Goal exit',
    entry: { event: 'signup_goal' },
    goal: { event: { type: 'order_goal' }, window: '7d' },
    start: 'wait-1h',
    steps: {
      'wait-1h': { kind: 'wait', duration: '1h', next: 'send-1' },
      'send-1': email('rule-1', 'wait-1d'),
      'wait-1d': { kind: 'wait', duration: '1d', next: 'send-2' },
      'send-2': email('rule-2', 'done'),
      done,
    },
  },
  quote: {
    name: 'Quote',
    entry: { event: 'quote_sent', key: 'properties.quoteId' },
    start: 'send',
    goal: { event: { type: 'quote_accepted', sameKey: true }, window: '7d' },
    steps: { send: email('rule-1', 'done'), done },
  },
  once: {
    name: 'Once',
    entry: { event: 'joined_once', reentry: { mode: 'once' } },
    start: 'welcome',
    steps: { welcome: email('rule-1', 'done'), done },
  },
  cooldown: {
    name: 'Cooldown',
    entry: { event: 'visit_cooldown', reentry: { mode: 'cooldown', cooldown: '2d' } },
    start: 'welcome',
    steps: { welcome: email('rule-1', 'done'), done },
  },
  'max-carts': {
    name: 'Max carts',
    entry: { event: 'cart_max', key: 'properties.cartId', maxInstances: 2 },
    start: 'wait-1d',
    steps: { 'wait-1d': { kind: 'wait', duration: '1d', next: 'done' }, done },
  },
  'wait-add': {
    name: 'Wait for a large add',
    entry: { event: 'browse_wait' },
    start: 'wait-add',
    steps: {
      'wait-add': {
        kind: 'waitForEvent',
        event: { type: 'add_wait', where: { field: 'event.properties.amount', op: 'gte', value: 50 } },
        timeout: '1d',
        next: { matched: 'send-matched', timedOut: 'send-timeout' },
      },
      'send-matched': email('rule-matched', 'done'),
      'send-timeout': email('rule-timeout', 'done'),
      done,
    },
  },
  tiers: {
    name: 'Tiers',
    entry: { event: 'check_branch' },
    start: 'tier',
    steps: {
      tier: {
        kind: 'branch',
        default: 'send-standard',
        cases: [
          { when: { field: 'profile.tier', op: 'eq', value: 'gold' }, next: 'send-gold' },
          { when: { field: 'profile.vip', op: 'eq', value: true }, next: 'send-vip' },
        ],
      },
      'send-gold': email('gold', 'done'),
      'send-vip': email('vip', 'done'),
      'send-standard': email('standard', 'done'),
      done,
    },
  },
  dedupe: {
    name: 'Dedupe',
    entry: { event: 'ping_dedupe', maxInstances: 2 },
    start: 'wait-1h',
    steps: { 'wait-1h': { kind: 'wait', duration: '1h', next: 'welcome' }, welcome: email('rule-1', 'done'), done },
  },
  fallback: {
    name: 'Fallback',
    entry: { event: 'promo_fail' },
    start: 'wait-1h',
    steps: {
      'wait-1h': { kind: 'wait', duration: '1h', next: 'send-doomed' },
      'send-doomed': email('doomed', 'done', 'send-fallback'),
      'send-fallback': email('rule-fallback', 'done'),
      done,
    },
  },
};

let world: World;

beforeAll(async () => {
  world = await startWorld('time-skipping');
  const templates = [
    'rule-1',
    'rule-2',
    'rule-matched',
    'rule-timeout',
    'gold',
    'vip',
    'standard',
    'doomed',
    'rule-fallback',
  ];
  await seedTemplates(world.database.db, templates);
  for (const [id, definition] of Object.entries(programs)) await launchProgram(world.database.db, id, definition);
});
afterAll(() => world?.stop());

const templatesOf = async (customerId: string) =>
  (await messagesOf(world, customerId)).map((m) => [m.templateId, m.status]);
const entriesOf = async (customerId: string) =>
  (await stepsOf(world, customerId, { kind: 'enter' })).map((s) => [
    s.enrollmentId,
    s.outcome,
    (s.detail as { reason?: string }).reason,
  ]);

test(
  'a goal event mid-wait exits the customer at that step with "converted", ' + 'and the later send never happens',
  async () => {
    const id = await customer(world, 'goal@example.com');
    await send(world, 'goal@example.com', 'signup_goal', 'goal-signup');
    await enrollments(world, id, ['goal-exit/goal-signup']);
    await world.env.sleep('1h');
    await settledMessages(world, id, 1);
    await world.env.sleep('2h');
    await send(world, 'goal@example.com', 'order_goal', 'goal-order');

    const goal = await stepRecord(world, id, { kind: 'goal' });
    expect([goal.stepId, goal.outcome, goal.detail]).toEqual([
      'wait-1d',
      'converted',
      { eventId: 'goal-order', attributed: true },
    ]);
    const exit = await stepRecord(world, id, { kind: 'exit' });
    expect([exit.stepId, exit.outcome]).toEqual(['wait-1d', 'goal']);
    await enrollments(world, id, []);
    await world.env.sleep('3d');
    expect(await templatesOf(id)).toEqual([['rule-1', 'sent']]);
    expect(inboxOf(world, 'goal@example.com').map((m) => m.subject)).toEqual(['rule-1 for goal']);
  },
);

test(
  'a goal reached after the journey ended counts for its ' + 'enrollment within the window, once, and not after it',
  async () => {
    const id = await customer(world, 'quote@example.com');
    await send(world, 'quote@example.com', 'quote_sent', 'quote-1', { quoteId: 'Q1' });
    await stepRecord(world, id, { enrollmentId: 'quote/quote-1', kind: 'exit', outcome: 'exit_step' });
    await world.env.sleep('2d');
    await send(world, 'quote@example.com', 'quote_accepted', 'accept-Q9', { quoteId: 'Q9' }); // another quote
    await send(world, 'quote@example.com', 'quote_accepted', 'accept-Q1', { quoteId: 'Q1' });
    await send(world, 'quote@example.com', 'quote_accepted', 'accept-Q1-again', { quoteId: 'Q1' });
    const goal = await stepRecord(world, id, { enrollmentId: 'quote/quote-1', kind: 'goal' });
    expect([goal.outcome, goal.detail]).toEqual([
      'converted',
      { eventId: 'accept-Q1', attributed: true, afterExit: true },
    ]);

    // Q2 ends, its window passes, and only then is it accepted: no conversion. Q3, accepted in time, is.
    await send(world, 'quote@example.com', 'quote_sent', 'quote-2', { quoteId: 'Q2' });
    await stepRecord(world, id, { enrollmentId: 'quote/quote-2', kind: 'exit' });
    await world.env.sleep('8d');
    await send(world, 'quote@example.com', 'quote_accepted', 'accept-Q2', { quoteId: 'Q2' });
    await send(world, 'quote@example.com', 'quote_sent', 'quote-3', { quoteId: 'Q3' });
    await stepRecord(world, id, { enrollmentId: 'quote/quote-3', kind: 'exit' });
    await send(world, 'quote@example.com', 'quote_accepted', 'accept-Q3', { quoteId: 'Q3' });
    await stepRecord(world, id, { enrollmentId: 'quote/quote-3', kind: 'goal' });
    const goals = await stepsOf(world, id, { kind: 'goal' });
    expect(goals.map((g) => [g.enrollmentId, (g.detail as { eventId: string }).eventId])).toEqual([
      ['quote/quote-1', 'accept-Q1'],
      ['quote/quote-3', 'accept-Q3'],
    ]);
    const [analytics] = (await programAnalytics(world.database.db, 'quote')).versions;
    expect([analytics!.entered, analytics!.conversions]).toEqual([3, { converted: 2, attributed: 2 }]);
  },
);

test(
  're-entry "once": a second trigger, even a month later, ' + 'is recorded as not entered and starts no enrollment',
  async () => {
    const id = await customer(world, 'once@example.com');
    await send(world, 'once@example.com', 'joined_once', 'once-1');
    await stepRecord(world, id, { kind: 'exit', outcome: 'exit_step' });
    await world.env.sleep('30d');
    await send(world, 'once@example.com', 'joined_once', 'once-2');
    await stepRecord(world, id, { kind: 'enter', outcome: 'not entered' });

    expect(await entriesOf(id)).toEqual([
      ['once/once-1', 'entered', undefined],
      ['once/once-2', 'not entered', 'entered before (re-entry: once)'],
    ]);
    expect((await world.api.deps.customers.journeyState(id)).enrollments).toEqual([]);
    expect(await templatesOf(id)).toEqual([['rule-1', 'sent']]);
  },
);

test(
  're-entry "cooldown 2d": a trigger 1 day after entry is refused, ' + 'one 2 days and 1 hour after is admitted',
  async () => {
    const id = await customer(world, 'cooldown@example.com');
    await send(world, 'cooldown@example.com', 'visit_cooldown', 'cd-1');
    await stepRecord(world, id, { kind: 'exit', enrollmentId: 'cooldown/cd-1' });
    await world.env.sleep('1d');
    await send(world, 'cooldown@example.com', 'visit_cooldown', 'cd-2');
    await stepRecord(world, id, { kind: 'enter', enrollmentId: 'cooldown/cd-2' });
    await world.env.sleep('25h');
    await send(world, 'cooldown@example.com', 'visit_cooldown', 'cd-3');
    await settledMessages(world, id, 2);

    expect(await entriesOf(id)).toEqual([
      ['cooldown/cd-1', 'entered', undefined],
      ['cooldown/cd-2', 'not entered', 'cooling down (2d since last entry)'],
      ['cooldown/cd-3', 'entered', undefined],
    ]);
    expect((await messagesOf(world, id)).map((m) => m.key)).toEqual([
      'cooldown/cd-1/welcome/1',
      'cooldown/cd-3/welcome/1',
    ]);
  },
);

test(
  'maxInstances 2 on a keyed program refuses a third cart while two run, ' + 'and admits it once they have finished',
  async () => {
    const id = await customer(world, 'max@example.com');
    for (const n of [1, 2, 3]) await send(world, 'max@example.com', 'cart_max', `mx-${n}`, { cartId: `c${n}` });
    await stepRecord(world, id, { kind: 'enter', enrollmentId: 'max-carts/mx-3' });
    const state = await enrollments(world, id, ['max-carts/mx-1', 'max-carts/mx-2']);
    expect(state.enrollments.map((e) => e.entryKey).sort()).toEqual(['c1', 'c2']);

    await world.env.sleep('25h');
    await enrollments(world, id, []);
    await send(world, 'max@example.com', 'cart_max', 'mx-4', { cartId: 'c3' });
    await enrollments(world, id, ['max-carts/mx-4']);
    // The workflow state shows the enrollment before its buffered step record is written.
    await stepRecord(world, id, { kind: 'enter', enrollmentId: 'max-carts/mx-4' });
    expect(await entriesOf(id)).toEqual([
      ['max-carts/mx-1', 'entered', undefined],
      ['max-carts/mx-2', 'entered', undefined],
      ['max-carts/mx-3', 'not entered', 'max instances (2) reached'],
      ['max-carts/mx-4', 'entered', undefined],
    ]);
  },
);

test(
  'waitForEvent takes the timedOut branch after its 1d ' + 'timeout when the only event fails the where filter',
  async () => {
    const id = await customer(world, 'timeout@example.com');
    await send(world, 'timeout@example.com', 'browse_wait', 'wt-browse');
    await enrollments(world, id, ['wait-add/wt-browse']);
    await world.env.sleep('1h');
    await send(world, 'timeout@example.com', 'add_wait', 'wt-small', { amount: 10 });
    await world.env.sleep('22h');
    const waiting = await eventually(async () => {
      const s = await world.api.deps.customers.journeyState(id);
      return s.eventsSeen === 2 && s;
    });
    expect(waiting.enrollments.map((e) => [e.stepId, e.waitingFor])).toEqual([['wait-add', 'add_wait']]);
    expect(await messagesOf(world, id)).toEqual([]);

    await world.env.sleep('2h');
    await settledMessages(world, id, 1);
    const wait = await stepRecord(world, id, { kind: 'waitForEvent' });
    expect([wait.outcome, (wait.detail as { next?: string }).next]).toEqual(['timedOut', 'send-timeout']);
    expect(await templatesOf(id)).toEqual([['rule-timeout', 'sent']]);
  },
);

test(
  'waitForEvent takes the matched branch on the first event ' + 'passing the where filter, ignoring one that fails it',
  async () => {
    const id = await customer(world, 'matched@example.com');
    await send(world, 'matched@example.com', 'browse_wait', 'wm-browse');
    await send(world, 'matched@example.com', 'add_wait', 'wm-small', { amount: 49 });
    const waiting = await eventually(async () => {
      const s = await world.api.deps.customers.journeyState(id);
      return s.eventsSeen === 2 && s;
    });
    expect(waiting.enrollments.map((e) => [e.stepId, e.waitingFor])).toEqual([['wait-add', 'add_wait']]);
    await send(world, 'matched@example.com', 'add_wait', 'wm-large', { amount: 50 });

    const wait = await stepRecord(world, id, { kind: 'waitForEvent' });
    expect([wait.outcome, wait.detail]).toEqual(['matched', { eventId: 'wm-large', next: 'send-matched' }]);
    await settledMessages(world, id, 1);
    await world.env.sleep('2d');
    expect(await templatesOf(id)).toEqual([['rule-matched', 'sent']]);
  },
);

test('a branch takes the first case whose condition holds, and its default when none does', async () => {
  const people = [
    { who: 'gold-vip@example.com', traits: { tier: 'gold', vip: true }, outcome: 'case 0', template: 'gold' },
    { who: 'silver-vip@example.com', traits: { tier: 'silver', vip: true }, outcome: 'case 1', template: 'vip' },
    { who: 'silver@example.com', traits: { tier: 'silver', vip: false }, outcome: 'default', template: 'standard' },
  ];
  for (const p of people) {
    const id = await customer(world, p.who, p.traits);
    await send(world, p.who, 'check_branch', `branch-${p.who}`);
    const branch = await stepRecord(world, id, { kind: 'branch' });
    const [message] = await settledMessages(world, id, 1);
    expect([p.who, branch.outcome, message?.templateId, message?.status]).toEqual([
      p.who,
      p.outcome,
      p.template,
      'sent',
    ]);
  }
  // The branch read the customer's profile through history, yet only the fields its conditions name.
  const gold = await customer(world, 'gold-vip@example.com');
  // Decrypted first (the tests' histories are encrypted), so the check reads what the workflow was given.
  const history = await world.env.client.workflow.getHandle(customerWorkflowId(gold)).fetchHistory();
  const payloads = payloadTexts(await decodeHistory(history, codecsOf(world.env.client)));
  expect(payloads.some((text) => text.includes('"tier":"gold"'))).toBe(true);
  // (The test's own event ids contain the address; the profile's `email` and traits must not appear.)
  expect(payloads.filter((text) => text.includes('"email":') || text.includes('firstName'))).toEqual([]);
});

test(
  'the same event delivered twice to the workflow has one effect: ' + 'one enrollment, one message, one contact',
  async () => {
    const id = await customer(world, 'dedupe@example.com');
    const occurredAt = new Date(await world.env.currentTimeMs()).toISOString();
    const ping = { id: 'dup-1', type: 'ping_dedupe', occurredAt, properties: {} };
    await world.api.deps.customers.deliver(id, ping);
    await world.api.deps.customers.deliver(id, ping);
    await world.api.deps.customers.deliver(id, { id: 'dup-after', type: 'noise_dedupe', occurredAt, properties: {} });
    // Events are handled in order, so once the later event is seen the duplicate has been handled.
    const state = await eventually(async () => {
      const s = await world.api.deps.customers.journeyState(id);
      return s.eventsSeen === 2 && s;
    });
    expect(state.enrollments.map((e) => e.id)).toEqual(['dedupe/dup-1']);

    await world.env.sleep('1h');
    await stepRecord(world, id, { kind: 'exit', outcome: 'exit_step' });
    await world.env.sleep('1h');
    expect(await entriesOf(id)).toEqual([['dedupe/dup-1', 'entered', undefined]]);
    expect((await messagesOf(world, id)).map((m) => [m.key, m.status])).toEqual([['dedupe/dup-1/welcome/1', 'sent']]);
    expect((await world.api.deps.customers.journeyState(id)).contactLog).toHaveLength(1);
    expect(inboxOf(world, 'dedupe@example.com')).toHaveLength(1);
  },
);

test(
  'a send whose template was deleted before sending ' + 'fails and goes to onFailure, which sends the fallback',
  async () => {
    const id = await customer(world, 'fallback@example.com');
    await send(world, 'fallback@example.com', 'promo_fail', 'fail-1');
    await enrollments(world, id, ['fallback/fail-1']);
    await world.database.db.template.delete({ where: { id: 'doomed' } });
    await world.env.sleep('1h');

    const messages = await settledMessages(world, id, 2);
    expect(messages.map((m) => [m.stepId, m.templateId, m.status, m.reason])).toEqual([
      ['send-doomed', 'doomed', 'failed', 'template doomed not found'],
      ['send-fallback', 'rule-fallback', 'sent', null],
    ]);
    const failed = await stepRecord(world, id, { kind: 'send' });
    expect([failed.stepId, failed.outcome, (failed.detail as { next?: string }).next]).toEqual([
      'send-doomed',
      'failed: template doomed not found',
      'send-fallback',
    ]);
    await stepRecord(world, id, { kind: 'exit', outcome: 'exit_step' });
    expect(inboxOf(world, 'fallback@example.com').map((m) => m.subject)).toEqual(['rule-fallback for fallback']);
    expect(
      messages[0]!.scheduledAt.getTime() - (await stepRecord(world, id, { kind: 'enter' })).at.getTime(),
    ).toBeGreaterThanOrEqual(HOUR);
  },
);

/** Every payload in a history, decoded as text. */
function payloadTexts(history: unknown): string[] {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (node instanceof Uint8Array) return;
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const { data } = node as { data?: unknown };
      if (data instanceof Uint8Array) texts.push(Buffer.from(data).toString('utf8'));
      Object.values(node).forEach(walk);
    }
  };
  walk(history);
  return texts;
}
