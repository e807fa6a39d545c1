// Property-based: random event sequences, random call outcomes and random orders of results
// against a few programs (waits, waitForEvent, branches, a loop, sends under caps and quiet hours).
// Whatever happens, the engine must never strand a customer, send a message twice, break a cap,
// send in quiet hours, or write one record id twice.
import fc from 'fast-check';
import type { SendMessageInput } from '../../src/core/calls';
import { nextWakeAt } from '../../src/core/journey';
import { formatLocal, localMinutes } from '../../src/core/time';
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';
import { DAY, HOUR, World, type Answer, type Call } from './harness';

const PROGRAMS: Record<string, ProgramDefinitionInput> = {
  cart: {
    name: 'cart',
    entry: { event: 'cart', key: 'properties.cartId', maxInstances: 2, reentry: { mode: 'cooldown', cooldown: '1h' } },
    goal: { event: { type: 'purchase', sameKey: true }, window: '2d' },
    start: 'w',
    steps: {
      w: { kind: 'wait', duration: '30m', next: 's1' },
      s1: { kind: 'send', channel: 'email', template: 'cart1', next: 'wf' },
      wf: {
        kind: 'waitForEvent',
        event: { type: 'view', sameKey: true },
        timeout: '1d',
        next: { matched: 'x', timedOut: 's2' },
      },
      s2: { kind: 'send', channel: 'email', template: 'cart2', next: 'b', onFailure: 'x' },
      b: {
        kind: 'branch',
        cases: [{ when: { field: 'traits.vip', op: 'eq', value: true }, next: 's3' }],
        default: 'x',
      },
      s3: { kind: 'send', channel: 'webhook', url: 'https://sms.example/', template: 'sms', next: 'x' },
      x: { kind: 'exit' },
    },
  },
  welcome: {
    name: 'welcome',
    entry: { event: 'signup', reentry: { mode: 'once' } },
    start: 's',
    steps: {
      s: { kind: 'send', channel: 'email', template: 'hi', next: 'w' },
      w: { kind: 'wait', duration: '1d', next: 'u' },
      u: { kind: 'update', addTags: ['welcomed'], next: 'r' },
      r: { kind: 'recommend', count: 2, next: 's2' },
      s2: { kind: 'send', channel: 'email', template: 'recs', next: 'x' },
      x: { kind: 'exit' },
    },
  },
  receipt: {
    name: 'receipt',
    priority: 'transactional',
    entry: { event: 'purchase' },
    start: 's',
    steps: { s: { kind: 'send', channel: 'email', template: 'receipt', next: 'x' }, x: { kind: 'exit' } },
  },
  // Loops back to its send on every click within a day: each visit must have its own message key.
  promo: {
    name: 'promo',
    quietHours: 'skip',
    entry: { event: 'click' },
    start: 'u',
    steps: {
      u: { kind: 'waitUntil', at: '09:00', next: 's' },
      s: { kind: 'send', channel: 'email', template: 'promo', next: 'wf' },
      wf: { kind: 'waitForEvent', event: { type: 'click' }, timeout: '1d', next: { matched: 's', timedOut: 'x' } },
      x: { kind: 'exit' },
    },
  },
};

/** `RUNS=5000 npx jest test/core/engine-properties` searches longer. */
const RUNS = Number(process.env.RUNS ?? 300);

const CAPS = [
  { channel: 'email', max: 2, within: '24h', withinMs: 86_400_000 },
  { channel: 'email', max: 4, within: '7d', withinMs: 604_800_000 },
  { channel: 'webhook', max: 1, within: '1h', withinMs: 3_600_000 },
];
const QUIET = { start: '22:00', end: '07:00' };

type Action =
  | { t: 'event'; type: string; cart: string; repeat: boolean }
  | { t: 'answer'; pick: number }
  | { t: 'settle' }
  | { t: 'time'; ms: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('event' as const),
      type: fc.constantFrom('cart', 'view', 'purchase', 'signup', 'click'),
      cart: fc.constantFrom('A', 'B'),
      repeat: fc.boolean(),
    }),
  },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('answer' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ t: 'settle' as const }) },
  // Mostly short gaps, so events fall inside each other's waits, windows and caps.
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('time' as const),
      ms: fc.oneof(fc.integer({ min: 0, max: 2 * HOUR }), fc.integer({ min: 0, max: 2 * DAY })),
    }),
  },
);

const scenario = fc.record({
  actions: fc.array(action, { minLength: 10, maxLength: 60 }),
  /** Drawn in turn for each answer: what the world says (see `outcome`). */
  dice: fc.array(fc.nat(99), { minLength: 1, maxLength: 64 }),
  quiet: fc.boolean(),
  zone: fc.constantFrom('UTC', 'Europe/London', 'America/New_York', 'Asia/Kolkata'),
  vip: fc.boolean(),
  start: fc.integer({ min: Date.parse('2026-03-01T00:00:00Z'), max: Date.parse('2026-11-30T00:00:00Z') }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** Random answers for the calls whose outcome matters; the fake's defaults for the rest. */
function outcome(call: Call, roll: number): Answer | undefined {
  if (call.name === 'sendMessage' && !(call.args as SendMessageInput).skipReason) {
    if (roll < 60) return { value: { status: 'sent', providerMessageId: `pm-${call.id}` } };
    if (roll < 75) return { value: { status: 'skipped', reason: 'unsubscribed' } };
    if (roll < 90) return { value: { status: 'failed', reason: 'bounced' } };
    return { failure: 'provider down past its retries' };
  }
  if (call.name === 'updateProfile' && roll >= 85) return { failure: 'profile locked' };
  return undefined;
}

/** Moves the clock, ticking at each wake-up on the way, without answering anything. */
function passTime(w: World, ms: number): void {
  const target = w.now + ms;
  for (let guard = 0; ; guard++) {
    if (guard > 1000) throw new Error('a wake-up that ticking does not move');
    const wake = nextWakeAt(w.journey);
    if (wake === null || wake > target) break;
    w.now = Math.max(w.now, wake);
    w.feed({ type: 'tick' });
  }
  w.now = target;
}

function play({ actions, dice, quiet, zone, vip, start }: Scenario): World {
  const w = new World(undefined, start);
  for (const [id, def] of Object.entries(PROGRAMS)) w.addProgram(id, def);
  w.policy = { caps: CAPS, quietHours: quiet ? QUIET : null, timeZone: zone };
  w.profile = { profile: { timezone: zone }, traits: { vip } };
  // One roll per call, fixed when the call is first seen, so holding and re-deciding agree.
  const rolls = new Map<string, number>();
  w.answer = (c) => {
    if (!rolls.has(c.id)) rolls.set(c.id, dice[rolls.size % dice.length]!);
    return outcome(c, rolls.get(c.id)!);
  };
  const sent: string[] = [];
  for (const a of actions) {
    if (a.t === 'event') {
      const id = a.repeat && sent.length ? sent[sent.length - 1] : undefined;
      const event = {
        id: id ?? `e${sent.length}`,
        type: a.type,
        occurredAt: new Date(w.now).toISOString(),
        properties: { cartId: a.cart },
      };
      sent.push(event.id);
      w.feed({ type: 'event', event });
    } else if (a.t === 'answer') {
      if (w.pending.length) w.respond(w.pending[a.pick % w.pending.length]!);
    } else if (a.t === 'settle') {
      w.settle((n) => dice[w.calls.length % dice.length]! % n);
    } else passTime(w, a.ms);
    // Never stuck: once the world has answered everything, every enrollment is parked.
    if (w.pending.length === 0) expect(w.quiescent()).toBe(true);
  }
  w.runToEnd();
  return w;
}

function checkCaps(w: World): void {
  const governed = w.sent().filter((m) => m.programId !== 'receipt');
  for (const cap of CAPS) {
    const times = governed.filter((m) => m.channel === cap.channel).map((m) => m.scheduledAt);
    for (const t of times) {
      const inWindow = times.filter((u) => u > t - cap.withinMs && u <= t).length;
      expect({ cap, at: new Date(t).toISOString(), inWindow }).toEqual({
        cap,
        at: new Date(t).toISOString(),
        inWindow: Math.min(inWindow, cap.max),
      });
    }
  }
}

test('property: random events, outcomes and result orders never strand, repeat, or overstep', () => {
  fc.assert(
    fc.property(scenario, (s) => {
      const w = play(s);
      // Ended or parked: after the world answered everything and time ran out, all have ended.
      expect(w.pending).toEqual([]);
      expect(w.state.enrollments).toEqual([]);
      expect(w.quiescent()).toBe(true);
      const entered = w.records.filter((r) => r.kind === 'enter' && r.outcome === 'entered').map((r) => r.enrollmentId);
      const exited = w.records.filter((r) => r.kind === 'exit' && !('next' in r.detail)).map((r) => r.enrollmentId);
      expect([...exited].sort()).toEqual([...entered].sort());
      // Each message asked for once; record ids unique.
      const keys = w.messages().map((m) => m.key);
      expect(new Set(keys).size).toBe(keys.length);
      const ids = w.records.map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      checkCaps(w);
      // No governed message went out inside quiet hours.
      if (s.quiet) {
        for (const m of w.sent().filter((x) => x.programId !== 'receipt')) {
          const local = localMinutes(m.scheduledAt, s.zone);
          if (local >= 22 * 60 || local < 7 * 60)
            throw new Error(`${m.key} went out at ${formatLocal(m.scheduledAt, s.zone)} ${s.zone}, inside quiet hours`);
        }
      }
    }),
    { numRuns: RUNS },
  );
});

test('property: nothing happens after an enrollment’s exit but a late goal', () => {
  fc.assert(
    fc.property(scenario, (s) => {
      const w = play(s);
      const exitedAt = new Map<string, number>();
      w.records.forEach((r, i) => {
        if (r.kind === 'exit' && !('next' in r.detail)) exitedAt.set(r.enrollmentId, i);
      });
      w.records.forEach((r, i) => {
        const exit = exitedAt.get(r.enrollmentId);
        if (exit !== undefined && i > exit) expect(r).toMatchObject({ kind: 'goal', detail: { afterExit: true } });
      });
    }),
    { numRuns: Math.ceil(RUNS / 2) },
  );
});
