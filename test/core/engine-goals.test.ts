// Goals and attribution: a goal event ends the journey (attributed inside the window), beats a
// step waiting for the same event, and still converts a journey that already ended while the
// window is open (ended-goals.ts).
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';
import { DAY, T0, World } from './harness';

function world(steps: ProgramDefinitionInput['steps'], extra: Partial<ProgramDefinitionInput> = {}): World {
  return new World().addProgram('p', {
    name: 'p',
    entry: { event: 'go' },
    goal: { event: { type: 'purchase' }, window: '2d' },
    start: Object.keys(steps)[0]!,
    steps,
    ...extra,
  });
}

const LONG_WAIT = { w: { kind: 'wait', duration: '5d', next: 'x' }, x: { kind: 'exit' } } as const;

test('a goal inside the window converts, attributed, and the customer leaves mid-wait', () => {
  const w = world(LONG_WAIT);
  const id = `p/${w.event('go').id}`;
  w.advanceBy(DAY);
  const buy = w.event('purchase');
  expect(w.trail(id)).toEqual(['enter entered', 'goal converted', 'exit goal']);
  expect(w.recordsOf(id, 'goal')[0]).toMatchObject({
    stepId: 'w',
    at: T0 + DAY,
    detail: { eventId: buy.id, attributed: true },
  });
  expect(w.state.enrollments).toEqual([]);
  w.runToEnd();
  expect(w.trail(id)).toHaveLength(3); // the wait never fires
});

test('a goal after the window still converts (the customer was in), but is not attributed', () => {
  const w = world(LONG_WAIT);
  const id = `p/${w.event('go').id}`;
  w.advanceTo(T0 + 2 * DAY + 1);
  w.event('purchase');
  expect(w.recordsOf(id, 'goal')[0]!.detail).toMatchObject({ attributed: false });
});

test('the window edge is inclusive', () => {
  const w = world(LONG_WAIT);
  const id = `p/${w.event('go').id}`;
  w.advanceTo(T0 + 2 * DAY);
  w.event('purchase');
  expect(w.recordsOf(id, 'goal')[0]!.detail).toMatchObject({ attributed: true });
});

describe('a goal after the journey ended', () => {
  const SHORT = { w: { kind: 'wait', duration: '1h', next: 'x' }, x: { kind: 'exit' } } as const;

  test('converts once, attributed, continuing the record sequence', () => {
    const w = world(SHORT);
    const id = `p/${w.event('go').id}`;
    w.runToEnd();
    const exits = w.trail(id).length;
    w.advanceTo(T0 + DAY);
    const buy = w.event('purchase');
    w.event('purchase');
    const goals = w.recordsOf(id, 'goal');
    expect(goals).toEqual([
      expect.objectContaining({
        id: `${id}/${exits}`,
        stepId: '-',
        outcome: 'converted',
        at: T0 + DAY,
        detail: { eventId: buy.id, attributed: true, afterExit: true },
      }),
    ]);
  });

  test('not once the window has closed', () => {
    const w = world(SHORT);
    const id = `p/${w.event('go').id}`;
    w.runToEnd();
    w.advanceTo(T0 + 2 * DAY + 1);
    w.event('purchase');
    expect(w.recordsOf(id, 'goal')).toEqual([]);
    expect(w.state.ended).toEqual([]);
  });

  test('not for a journey that already converted', () => {
    const w = world(LONG_WAIT);
    const id = `p/${w.event('go').id}`;
    w.event('purchase');
    w.event('purchase');
    expect(w.recordsOf(id, 'goal')).toHaveLength(1);
  });
});

test('a goal beats a step waiting for the same event: the customer converts, the wait does not match', () => {
  const w = world({
    wf: {
      kind: 'waitForEvent',
      event: { type: 'purchase' },
      timeout: '1d',
      next: { matched: 'thanks', timedOut: 'x' },
    },
    thanks: { kind: 'send', channel: 'email', template: 'thanks', next: 'x' },
    x: { kind: 'exit' },
  });
  const id = `p/${w.event('go').id}`;
  w.event('purchase');
  expect(w.trail(id)).toEqual(['enter entered', 'goal converted', 'exit goal']);
  expect(w.messages()).toEqual([]);
});

test('a goal with sameKey converts only the enrollment of that key', () => {
  const w = world(LONG_WAIT, {
    entry: { event: 'go', key: 'properties.cartId', maxInstances: 2 },
    goal: { event: { type: 'purchase', sameKey: true }, window: '2d' },
  });
  const a = `p/${w.event('go', { cartId: 'A' }).id}`;
  const b = `p/${w.event('go', { cartId: 'B' }).id}`;
  w.event('purchase', { cartId: 'B' });
  expect(w.recordsOf(a, 'goal')).toEqual([]);
  expect(w.trail(b)).toEqual(['enter entered', 'goal converted', 'exit goal']);
});

test('a goal while a send is in flight: the send settles, then the customer leaves without going on', () => {
  const w = world({ s: { kind: 'send', channel: 'email', template: 't', next: 'w' }, ...LONG_WAIT });
  w.answer = (c) => (c.name === 'sendMessage' ? 'hold' : undefined);
  const id = `p/${w.event('go').id}`;
  w.event('purchase');
  expect(w.trail(id)).toEqual(['enter entered', 'goal converted']);
  w.respond(w.pendingNamed('sendMessage')[0]!, { value: { status: 'sent', providerMessageId: 'x' } });
  expect(w.trail(id)).toEqual(['enter entered', 'goal converted', 'exit goal']);
  expect(w.state.contactLog).toEqual([{ channel: 'email', programId: 'p', at: T0 }]); // the message went out: it counts
  expect(w.quiescent()).toBe(true);
});
