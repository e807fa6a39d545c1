// A customer's journey moving between runs and between customers: carried across
// continue-as-new, handed over, and absorbed by the survivor of a merge (their enrollments go on
// here with their own message keys; seen events, entries and contact log join this customer's).
import { emptyState } from '../../src/core/state';
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';
import { DAY, HOUR, T0, World } from './harness';

/** Waits a day, sends, exits; entered once per customer. */
const drip: ProgramDefinitionInput = {
  name: 'drip',
  entry: { event: 'go', reentry: { mode: 'once' } },
  start: 'w',
  steps: {
    w: { kind: 'wait', duration: '1d', next: 's' },
    s: { kind: 'send', channel: 'email', template: 'drip', next: 'x' },
    x: { kind: 'exit' },
  },
};
/** Sends at once and exits; may be entered again and again. */
const ping: ProgramDefinitionInput = {
  name: 'ping',
  entry: { event: 'ping' },
  start: 's',
  steps: { s: { kind: 'send', channel: 'email', template: 'ping', next: 'x' }, x: { kind: 'exit' } },
};

function customer(id: string): World {
  return new World(emptyState(id)).addProgram('drip', drip).addProgram('ping', ping);
}

/** The state a run hands over: after `handover`, nothing in flight. */
function handOver(w: World, survivorId?: string) {
  if (survivorId) w.feed({ type: 'mergeInto', survivorId });
  w.feed({ type: 'handover' });
  w.settle();
  expect(w.quiescent()).toBe(true);
  return structuredClone(w.state);
}

test('carried across continue-as-new: the enrollment asks for its definition and goes on, sending once', () => {
  const first = customer('c1');
  const id = `drip/${first.event('go').id}`;
  first.advanceBy(HOUR);
  const carried = handOver(first);

  const next = new World(carried, first.now).addProgram('drip', drip);
  next.feed({ type: 'start' });
  expect(next.pendingNamed('loadProgramVersion').map((c) => c.args)).toEqual([{ programId: 'drip', version: 1 }]);
  next.runToEnd();
  expect(next.messages().map((m) => m.key)).toEqual([`${id}/s/1`]);
  // Record ids go on from the carried sequence, so none is written twice.
  expect(next.recordsOf(id)[0]!.id).toBe(`${id}/1`);
});

test('after `handover` no further event is taken: it waits in the inbox for the next run', () => {
  const w = customer('c1');
  w.feed({ type: 'handover' });
  w.event('ping');
  expect(w.callsNamed('planEnrollments')).toEqual([]);
  expect(w.state.inbox.map((e) => e.type)).toEqual(['ping']);
  expect(w.quiescent()).toBe(true);
});

describe('absorb: the survivor of a merge takes over the other customer', () => {
  function merged() {
    const other = customer('c2');
    const theirs = `drip/${other.event('go').id}`;
    const seen = other.event('ping'); // sent them an email just now
    const state = handOver(other, 'c1');
    other.event('go', {}, 'late'); // arrives after their hand-over: carried in their inbox
    state.inbox = structuredClone(other.state.inbox);

    const survivor = customer('c1');
    survivor.policy = {
      caps: [{ channel: 'email', max: 1, within: '24h', withinMs: 86_400_000 }],
      quietHours: null,
      timeZone: null,
    };
    survivor.feed({ type: 'absorb', handover: { fromCustomerId: 'c2', state } });
    survivor.settle();
    return { survivor, theirs, seen };
  }

  test('their enrollment continues here, asking for its definition, with its own message key', () => {
    const { survivor, theirs } = merged();
    expect(survivor.callsNamed('loadProgramVersion').map((c) => c.args)).toEqual([{ programId: 'drip', version: 1 }]);
    survivor.advanceTo(T0 + DAY + HOUR); // their drip sends a day after their ping: outside the cap's window
    expect(survivor.messages().map((m) => [m.key, m.customerId])).toEqual([[`${theirs}/s/1`, 'c1']]);
    expect(survivor.recordsOf(theirs).every((r) => r.customerId === 'c1')).toBe(true);
  });

  test('events they had seen are not applied again', () => {
    const { survivor, seen } = merged();
    const before = survivor.callsNamed('planEnrollments').length;
    survivor.event('ping', {}, seen.id);
    expect(survivor.callsNamed('planEnrollments')).toHaveLength(before);
  });

  test('events left in their inbox are applied here', () => {
    const { survivor } = merged();
    expect(survivor.callsNamed('planEnrollments').map((c) => c.args.event.id)).toEqual(['late']);
    // `late` would enter drip, but they had entered it (re-entry once) and are still in it.
    expect(survivor.records.find((r) => r.enrollmentId === 'drip/late')).toMatchObject({
      outcome: 'not entered',
      detail: { reason: 'max instances (1) reached' },
    });
  });

  test('entries merge: re-entry rules see both customers’ history, counts add up', () => {
    const { survivor } = merged();
    survivor.event('ping');
    expect(survivor.state.entries['ping|']).toEqual({ count: 2, lastEnteredAt: T0 });
    survivor.runToEnd(); // their drip journey ends
    survivor.event('go');
    expect(survivor.records.at(-1)).toMatchObject({
      outcome: 'not entered',
      detail: { reason: 'entered before (re-entry: once)' },
    });
  });

  test('their contact log joins: a message they were just sent counts against the caps here', () => {
    const { survivor } = merged();
    survivor.event('ping');
    expect(survivor.records.filter((r) => r.kind === 'send').map((r) => r.outcome)).toEqual([
      'skipped: cap (1 per 24h)',
    ]);
  });
});
