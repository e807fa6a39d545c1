// How events are taken: a redelivered event id is applied once; events that arrive while one is
// being planned wait their turn, in order; an event for a waitForEvent step counts once the
// customer has reached that step.
import { HOUR, MINUTE, T0, World } from './harness';

const waiter = {
  name: 'p',
  entry: { event: 'go' },
  start: 's',
  steps: {
    s: { kind: 'send', channel: 'email', template: 't', next: 'wf' },
    wf: { kind: 'waitForEvent', event: { type: 'purchase' }, timeout: '1d', next: { matched: 'x', timedOut: 'x' } },
    x: { kind: 'exit' },
  },
} as const;

describe('dedupe', () => {
  test('the same event id twice is applied once', () => {
    const w = new World().addProgram('p', { ...waiter, entry: { event: 'go', maxInstances: 5 } });
    w.event('go', {}, 'e1');
    w.event('go', {}, 'e1');
    expect(w.callsNamed('planEnrollments')).toHaveLength(1);
    expect(w.state.enrollments.map((e) => e.id)).toEqual(['p/e1']);
  });

  test('also when the copy arrives while the first is still being planned', () => {
    const w = new World().addProgram('p', { ...waiter, entry: { event: 'go', maxInstances: 5 } });
    w.answer = (c) => (c.name === 'planEnrollments' ? 'hold' : undefined);
    w.event('go', {}, 'e1');
    w.event('go', {}, 'e1');
    w.answer = () => undefined;
    w.settle();
    expect(w.callsNamed('planEnrollments')).toHaveLength(1);
  });

  test('a redelivered goal or awaited event does not act twice', () => {
    const w = new World().addProgram('p', { ...waiter, entry: { event: 'go', maxInstances: 5 } });
    w.event('go');
    w.event('purchase', {}, 'buy');
    w.event('go');
    w.event('purchase', {}, 'buy'); // the second enrollment must not take the old purchase
    expect(w.records.filter((r) => r.kind === 'waitForEvent').map((r) => r.outcome)).toEqual(['matched']);
  });
});

test('events arriving while one is planned wait in the inbox and are applied in order', () => {
  const w = new World().addProgram('p', { ...waiter, entry: { event: 'go', maxInstances: 5 } });
  w.answer = (c) => (c.name === 'planEnrollments' ? 'hold' : undefined);
  w.event('go', {}, 'a');
  w.event('go', {}, 'b');
  w.event('go', {}, 'c');
  expect(w.callsNamed('planEnrollments')).toHaveLength(1);
  expect(w.state.inbox.map((e) => e.id)).toEqual(['b', 'c']);
  w.answer = () => undefined;
  w.settle();
  expect(w.callsNamed('planEnrollments').map((c) => c.args.event.id)).toEqual(['a', 'b', 'c']);
  expect(w.records.filter((r) => r.kind === 'enter').map((r) => r.enrollmentId)).toEqual(['p/a', 'p/b', 'p/c']);
});

test('an awaited event arriving while the step boundary check is in flight still matches', () => {
  // The send comes back a minute late, so the waitForEvent boundary reads the program state
  // again (cacheMs 0). The customer buys while that read is in flight: they are already at the
  // step, the purchase came after the email, and it must not be lost.
  const w = new World().addProgram('p', waiter);
  w.answer = (c) => (c.name === 'sendMessage' || c.name === 'programControl' ? 'hold' : undefined);
  const id = `p/${w.event('go').id}`;
  w.now = T0 + MINUTE;
  w.respond(w.pendingNamed('sendMessage')[0]!, { value: { status: 'sent', providerMessageId: 'x' } });
  expect(w.state.enrollments[0]!.stepId).toBe('wf');
  w.event('purchase');
  w.answer = () => undefined;
  w.settle();
  w.runToEnd();
  expect(w.recordsOf(id, 'waitForEvent').map((r) => r.outcome)).toEqual(['matched']);
  expect(w.now).toBeLessThan(T0 + HOUR);
});

test('an event the API says no version enters is not planned, and still reaches waits and goals', () => {
  const w = new World().addProgram('p', { ...waiter, goal: { event: { type: 'refund' }, window: '7d' } });
  w.event('go', {}, 'in');
  const arrive = (type: string, id: string) => {
    w.feed({
      type: 'event',
      event: { id, type, occurredAt: new Date(w.now).toISOString(), properties: {}, mayEnter: false },
    });
    w.settle();
  };
  arrive('purchase', 'buy');
  expect(w.callsNamed('planEnrollments').map((c) => c.args.event.id)).toEqual(['in']);
  expect(w.records.filter((r) => r.kind === 'waitForEvent').map((r) => r.outcome)).toEqual(['matched']);

  w.event('go', {}, 'again');
  arrive('refund', 'back');
  expect(w.callsNamed('planEnrollments').map((c) => c.args.event.id)).toEqual(['in', 'again']);
  // The live enrollment converts, and so does the one that ended (within the goal window).
  expect(w.records.filter((r) => r.kind === 'goal').map((r) => [r.enrollmentId, r.outcome])).toEqual([
    ['p/again', 'converted'],
    ['p/in', 'converted'],
  ]);
});
