// Every step kind, driven through the pure engine: what each one asks of the world, when it
// goes on, and the step records it leaves.
import { nextWakeAt } from '../../src/core/journey';
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';
import { DAY, HOUR, T0, World } from './harness';

type Steps = ProgramDefinitionInput['steps'];

/** A program entered on `go` that starts at its first step. */
function world(steps: Steps, extra: Partial<ProgramDefinitionInput> = {}): World {
  return new World().addProgram('p', {
    name: 'p',
    entry: { event: 'go' },
    start: Object.keys(steps)[0]!,
    steps,
    ...extra,
  });
}

const EXIT = { kind: 'exit' } as const;

describe('wait', () => {
  test('parks for the duration, then goes on at exactly that instant', () => {
    const w = world({ w: { kind: 'wait', duration: '2h', next: 'x' }, x: EXIT });
    const id = `p/${w.event('go').id}`;
    expect(w.trail(id)).toEqual(['enter entered']);
    expect(nextWakeAt(w.journey)).toBe(T0 + 2 * HOUR);
    expect(w.quiescent()).toBe(true); // parked: safe to carry across continue-as-new

    w.advanceTo(T0 + 2 * HOUR - 1);
    expect(w.trail(id)).toEqual(['enter entered']);
    w.advanceTo(T0 + 2 * HOUR);
    expect(w.trail(id)).toEqual(['enter entered', 'wait waited', 'exit exit_step', 'exit exit_step']);
    expect(w.recordsOf(id, 'wait')[0]).toMatchObject({
      at: T0 + 2 * HOUR,
      stepId: 'w',
      detail: { next: 'x', visit: 1 },
    });
    expect(w.state.enrollments).toEqual([]);
  });
});

describe('waitUntil', () => {
  test("wakes at the calendar time in the customer's zone and records it in local time", () => {
    const w = world(
      { u: { kind: 'waitUntil', days: ['wed'], at: '09:00', next: 'x' }, x: EXIT },
      { timezone: 'Asia/Tokyo' },
    );
    w.profile.profile.timezone = 'America/New_York';
    const id = `p/${w.event('go').id}`; // Monday 06:00 in New York
    expect(w.callsNamed('loadProfile')[0]!.args.fields).toEqual(['profile.timezone']);
    w.runToEnd();
    expect(w.recordsOf(id, 'waitUntil')[0]).toMatchObject({
      at: Date.parse('2026-06-03T13:00:00Z'), // Wednesday 09:00 EDT
      detail: { until: '2026-06-03 09:00 wed', timeZone: 'America/New_York' },
    });
  });

  test("falls back to the program's zone when the profile has none (or an invalid one)", () => {
    const w = world({ u: { kind: 'waitUntil', at: '09:00', next: 'x' }, x: EXIT }, { timezone: 'Asia/Tokyo' });
    w.profile.profile.timezone = 'Mars/Olympus';
    const id = `p/${w.event('go').id}`; // 19:00 in Tokyo
    w.runToEnd();
    expect(w.recordsOf(id, 'waitUntil')[0]).toMatchObject({
      at: Date.parse('2026-06-02T00:00:00Z'),
      detail: { timeZone: 'Asia/Tokyo' },
    });
  });
});

test('waitPersonalized asks for the wait in the customer zone and records its basis', () => {
  const strategy = { type: 'bestHour', defaultHour: 9 } as const;
  const w = world({ p: { kind: 'waitPersonalized', strategy, next: 'x' }, x: EXIT });
  w.profile.profile.timezone = 'Europe/Ljubljana';
  w.personalizedWait = { ms: 5 * HOUR, basis: 'best hour 15' };
  const id = `p/${w.event('go').id}`;
  expect(w.callsNamed('computePersonalizedWait')[0]!.args).toEqual({
    customerId: 'c1',
    strategy,
    nowMs: T0,
    timeZone: 'Europe/Ljubljana',
  });
  w.runToEnd();
  expect(w.recordsOf(id, 'waitPersonalized')[0]).toMatchObject({
    at: T0 + 5 * HOUR,
    outcome: 'waited',
    detail: { basis: 'best hour 15' },
  });
});

describe('waitForEvent', () => {
  const steps: Steps = {
    wf: {
      kind: 'waitForEvent',
      event: { type: 'purchase', sameKey: true, where: { field: 'event.properties.total', op: 'gt', value: 50 } },
      timeout: '1d',
      next: { matched: 'yes', timedOut: 'no' },
    },
    yes: EXIT,
    no: EXIT,
  };
  const keyed = { entry: { event: 'go', key: 'properties.cartId' } };

  test('a matching event of the same key goes on at once; other keys and failing filters do not', () => {
    const w = world(steps, keyed);
    const id = `p/${w.event('go', { cartId: 'A' }).id}`;
    w.event('purchase', { cartId: 'B', total: 99 }); // another cart
    w.event('purchase', { cartId: 'A', total: 10 }); // fails `where`
    w.event('other', { cartId: 'A', total: 99 }); // another type
    expect(w.trail(id)).toEqual(['enter entered']);
    w.advanceBy(HOUR);
    const hit = w.event('purchase', { cartId: 'A', total: 99 });
    expect(w.recordsOf(id, 'waitForEvent')[0]).toMatchObject({
      outcome: 'matched',
      at: T0 + HOUR,
      detail: { eventId: hit.id, next: 'yes' },
    });
    expect(w.state.enrollments).toEqual([]);
  });

  test('times out after the timeout and takes the timedOut branch', () => {
    const w = world(steps, keyed);
    const id = `p/${w.event('go', { cartId: 'A' }).id}`;
    w.runToEnd();
    expect(w.recordsOf(id, 'waitForEvent')[0]).toMatchObject({
      outcome: 'timedOut',
      at: T0 + DAY,
      detail: { next: 'no' },
    });
  });
});

describe('branch', () => {
  const steps: Steps = {
    b: {
      kind: 'branch',
      cases: [
        { when: { field: 'profile.tier', op: 'eq', value: 'gold' }, next: 'gold' },
        { when: { field: 'traits.orders', op: 'gte', value: 3 }, next: 'loyal' },
        { when: { field: 'event.properties.total', op: 'gt', value: 100 }, next: 'big' },
      ],
      default: 'rest',
    },
    gold: EXIT,
    loyal: EXIT,
    big: EXIT,
    rest: EXIT,
  };

  test.each([
    ['a profile field', { tier: 'gold' }, {}, 0, 'case 0', 'gold'],
    ['a computed trait', {}, { orders: 3 }, 0, 'case 1', 'loyal'],
    ['the entry event', {}, { orders: 1 }, 150, 'case 2', 'big'],
    ['nothing that matches', { tier: 'silver' }, {}, 5, 'default', 'rest'],
  ])('chooses by %s', (_, profile, traits, total, outcome, next) => {
    const w = world(steps);
    w.profile = { profile, traits };
    const id = `p/${w.event('go', { total }).id}`;
    expect(w.callsNamed('loadProfile')[0]!.args.fields).toEqual([
      'profile.tier',
      'traits.orders',
      'event.properties.total',
    ]);
    expect(w.recordsOf(id, 'branch')[0]).toMatchObject({ outcome, detail: { next } });
  });
});

describe('send', () => {
  const steps: Steps = { s: { kind: 'send', channel: 'email', template: 'hello', next: 'after' }, after: EXIT };

  test('sends once, with a deterministic key and the entry event, and goes on', () => {
    const w = world(steps);
    const ev = w.event('go', { cartId: 'A' });
    const id = `p/${ev.id}`;
    expect(w.messages()).toEqual([
      expect.objectContaining({
        key: `${id}/s/1`,
        customerId: 'c1',
        enrollmentId: id,
        programId: 'p',
        version: 1,
        stepId: 's',
        channel: 'email',
        templateId: 'hello',
        entryEvent: ev,
        scheduledAt: T0,
      }),
    ]);
    expect(w.messages()[0]!.skipReason).toBeUndefined();
    expect(w.trail(id)).toEqual(['enter entered', 'send sent', 'exit exit_step', 'exit exit_step']);
    expect(w.recordsOf(id, 'send')[0]!.detail).toEqual({ template: 'hello', next: 'after' });
  });

  test('a webhook send carries its url', () => {
    const w = world({
      s: { kind: 'send', channel: 'webhook', template: 'sms', url: 'https://sms.example/hook', next: 'x' },
      x: EXIT,
    });
    w.event('go');
    expect(w.messages()[0]).toMatchObject({ channel: 'webhook', url: 'https://sms.example/hook' });
  });

  test('skipped by the provider (unsubscribed): recorded, and the journey goes on', () => {
    const w = world(steps);
    w.sendOutcome = () => ({ status: 'skipped', reason: 'unsubscribed' });
    const id = `p/${w.event('go').id}`;
    expect(w.trail(id)).toEqual(['enter entered', 'send skipped: unsubscribed', 'exit exit_step', 'exit exit_step']);
  });

  test('failed for good with onFailure: goes to the onFailure step', () => {
    const w = world({
      s: { kind: 'send', channel: 'email', template: 'hello', next: 'after', onFailure: 'fallback' },
      after: EXIT,
      fallback: { kind: 'wait', duration: '1h', next: 'after' },
    });
    w.sendOutcome = () => ({ status: 'failed', reason: 'bounced' });
    const id = `p/${w.event('go').id}`;
    expect(w.recordsOf(id, 'send')[0]).toMatchObject({ outcome: 'failed: bounced', detail: { next: 'fallback' } });
    expect(w.state.enrollments[0]!.stepId).toBe('fallback');
  });

  test('failed for good without onFailure: the customer exits with the failure', () => {
    const w = world(steps);
    w.sendOutcome = () => ({ status: 'failed', reason: 'bounced' });
    const id = `p/${w.event('go').id}`;
    expect(w.trail(id)).toEqual(['enter entered', 'send failed: bounced', 'exit failed: bounced']);
  });
});

test('recommend asks for `count` products, records them, and later sends carry them', () => {
  const w = world({
    r: { kind: 'recommend', count: 3, next: 's' },
    s: { kind: 'send', channel: 'email', template: 'recs', next: 'x' },
    x: EXIT,
  });
  const ev = w.event('go');
  const id = `p/${ev.id}`;
  expect(w.callsNamed('recommendProducts')[0]!.args).toEqual({ customerId: 'c1', entryEvent: ev, count: 3 });
  expect(w.recordsOf(id, 'recommend')[0]).toMatchObject({
    outcome: 'recommended',
    detail: { products: ['sku1', 'sku2', 'sku3'] },
  });
  expect(w.messages()[0]!.recommendations.map((r) => r.productId)).toEqual(['sku1', 'sku2', 'sku3']);
});

test('update writes the profile change and records it', () => {
  const w = world({
    u: { kind: 'update', set: { stage: 'won' }, addTags: ['vip'], removeTags: ['lead'], next: 'x' },
    x: EXIT,
  });
  const id = `p/${w.event('go').id}`;
  expect(w.callsNamed('updateProfile')[0]!.args).toEqual({
    customerId: 'c1',
    set: { stage: 'won' },
    addTags: ['vip'],
    removeTags: ['lead'],
  });
  expect(w.trail(id)).toEqual(['enter entered', 'update updated', 'exit exit_step', 'exit exit_step']);
});

test('exit ends the enrollment: it leaves the state, nothing wakes it, nothing is in flight', () => {
  const w = world({ x: EXIT });
  const id = `p/${w.event('go').id}`;
  expect(w.trail(id)).toEqual(['enter entered', 'exit exit_step', 'exit exit_step']);
  // The step's own record is a visit (it has `next`); the final one is the exit analytics count.
  expect(w.recordsOf(id, 'exit').map((r) => r.detail)).toEqual([{ next: null }, {}]);
  expect(w.state.enrollments).toEqual([]);
  expect(nextWakeAt(w.journey)).toBeNull();
  expect(w.quiescent()).toBe(true);
});
