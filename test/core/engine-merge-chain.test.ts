// Merges that meet: a customer merged into one that is itself merging, and a survivor whose own
// recent events must stay known after taking over a customer with a full list of seen events.
import { emptyState, SEEN_EVENT_IDS_KEPT } from '../../src/core/state';
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';
import { DAY, HOUR, T0, World } from './harness';

/** Waits a day, sends, exits. */
const drip: ProgramDefinitionInput = {
  name: 'drip',
  entry: { event: 'go' },
  start: 'w',
  steps: {
    w: { kind: 'wait', duration: '1d', next: 's' },
    s: { kind: 'send', channel: 'email', template: 'drip', next: 'x' },
    x: { kind: 'exit' },
  },
};
const customer = (id: string) => new World(emptyState(id)).addProgram('drip', drip);

test('a hand-over that reached a customer while it was merging goes on to its survivor', () => {
  const a = customer('a');
  const aEnrollment = `drip/${a.event('go').id}`;
  a.feed({ type: 'mergeInto', survivorId: 'b' });
  a.feed({ type: 'handover' });
  a.settle();
  const fromA = structuredClone(a.state);

  // b is handing over to c when a's state arrives: it waits in b's list, and goes with b's state.
  const b = customer('b');
  b.feed({ type: 'mergeInto', survivorId: 'c' });
  b.feed({ type: 'handover' });
  b.feed({ type: 'absorb', handover: { fromCustomerId: 'a', state: fromA } });
  b.settle();
  const fromB = structuredClone(b.state);

  const c = customer('c');
  c.feed({ type: 'absorb', handover: { fromCustomerId: 'b', state: fromB } });
  c.settle();
  c.advanceTo(T0 + DAY + HOUR);
  expect(c.messages().map((m) => m.key)).toEqual([`${aEnrollment}/s/1`]);
});

test('after taking over a full list of seen events, the survivor still knows its own recent ones', () => {
  const other = emptyState('other');
  other.seenEventIds = Array.from({ length: SEEN_EVENT_IDS_KEPT }, (_, i) => `theirs-${i}`);
  const survivor = customer('me');
  survivor.event('go', {}, 'mine');
  survivor.feed({ type: 'absorb', handover: { fromCustomerId: 'other', state: other } });
  survivor.settle();
  const plans = survivor.callsNamed('planEnrollments').length;
  survivor.event('go', {}, 'mine'); // the relay redelivers it
  expect(survivor.callsNamed('planEnrollments')).toHaveLength(plans);
  expect(survivor.state.seenEventIds).toHaveLength(SEEN_EVENT_IDS_KEPT);
});
