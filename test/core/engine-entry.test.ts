// Entry rules as the engine applies them to planned candidates: trigger, entry key, simultaneous
// instances, re-entry; every refusal is a `not entered` record that says why.
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';
import { DAY, HOUR, T0, World } from './harness';

/** Waits a day and exits: long enough to still be in when the next entry comes. */
function world(entry: ProgramDefinitionInput['entry']): World {
  return new World().addProgram('p', {
    name: 'p',
    entry,
    start: 'w',
    steps: { w: { kind: 'wait', duration: '1d', next: 'x' }, x: { kind: 'exit' } },
  });
}

const refusals = (w: World) => w.records.filter((r) => r.outcome === 'not entered').map((r) => r.detail.reason);
const entered = (w: World) => w.records.filter((r) => r.outcome === 'entered').map((r) => r.enrollmentId);

test('the trigger event enters and is recorded; an event no program plans enters nothing', () => {
  const w = world({ event: 'signup' });
  w.event('pageview');
  const ev = w.event('signup', { plan: 'pro' });
  expect(w.callsNamed('planEnrollments').map((c) => c.args.event.type)).toEqual(['pageview', 'signup']);
  expect(w.records).toEqual([
    expect.objectContaining({
      id: `p/${ev.id}/0`,
      enrollmentId: `p/${ev.id}`,
      kind: 'enter',
      outcome: 'entered',
      stepId: 'w',
      at: T0,
      detail: { trigger: 'signup', eventId: ev.id, entryKey: null },
    }),
  ]);
});

describe('entry key', () => {
  const keyed = { event: 'cart', key: 'properties.cartId', maxInstances: 3 };

  test('one instance per key value: the same cart again is refused, another cart enters', () => {
    const w = world(keyed);
    w.event('cart', { cartId: 'A' });
    const again = w.event('cart', { cartId: 'A' });
    const other = w.event('cart', { cartId: 7 });
    expect(refusals(w)).toEqual(['already active for this key']);
    expect(w.records.find((r) => r.outcome === 'not entered')).toMatchObject({
      id: `p/${again.id}/refused`,
      enrollmentId: `p/${again.id}`,
      stepId: '-',
      kind: 'enter',
    });
    expect(w.state.enrollments.map((e) => e.entryKey)).toEqual(['A', '7']);
    expect(w.recordsOf(`p/${other.id}`)[0]!.detail.entryKey).toBe('7');
  });

  test('an event without the key is refused by name', () => {
    const w = world(keyed);
    w.event('cart', { other: 1 });
    expect(refusals(w)).toEqual(['event has no properties.cartId']);
    expect(w.state.enrollments).toEqual([]);
  });
});

test('maxInstances caps simultaneous enrollments; an ended one frees its place', () => {
  const w = world({ event: 'go', maxInstances: 2 });
  w.event('go');
  w.advanceBy(HOUR);
  w.event('go');
  w.event('go');
  expect(refusals(w)).toEqual(['max instances (2) reached']);
  w.advanceTo(T0 + DAY); // the first one ends
  w.event('go');
  expect(entered(w)).toHaveLength(3);
});

describe('re-entry', () => {
  test('once: never again, even after the first journey ended', () => {
    const w = world({ event: 'go', reentry: { mode: 'once' } });
    w.event('go');
    w.runToEnd();
    w.event('go');
    expect(refusals(w)).toEqual(['entered before (re-entry: once)']);
  });

  test('cooldown: refused until the cooldown since the last entry has passed', () => {
    const w = world({ event: 'go', reentry: { mode: 'cooldown', cooldown: '2d' } });
    w.event('go');
    w.runToEnd(); // ended after a day
    w.advanceTo(T0 + 2 * DAY - 1);
    w.event('go');
    expect(refusals(w)).toEqual(['cooling down (2d since last entry)']);
    w.advanceTo(T0 + 2 * DAY);
    w.event('go');
    expect(entered(w)).toHaveLength(2);
    expect(w.state.entries['p|']).toEqual({ count: 2, lastEnteredAt: T0 + 2 * DAY });
  });

  test('always: enters again as soon as the previous journey has ended', () => {
    const w = world({ event: 'go' });
    w.event('go');
    w.runToEnd();
    w.event('go');
    w.runToEnd();
    w.event('go');
    expect(entered(w)).toHaveLength(3);
    expect(refusals(w)).toEqual([]);
  });
});

test('an invalid candidate is refused by its program id; the other programs of the event enter', () => {
  const w = world({ event: 'go' });
  w.addInvalidProgram('broken', 'go', 'steps.s: unknown step kind "teleport"');
  const ev = w.event('go');
  expect(entered(w)).toEqual([`p/${ev.id}`]);
  expect(w.records.find((r) => r.programId === 'broken')).toMatchObject({
    id: `broken/${ev.id}/refused`,
    outcome: 'not entered',
    detail: { reason: 'error: steps.s: unknown step kind "teleport"', eventId: ev.id },
  });
});

test('a definition whose start step does not exist is refused with the reason, and not kept', () => {
  const w = new World().addProgram('bad', {
    name: 'bad',
    entry: { event: 'go' },
    start: 'nowhere',
    steps: { x: { kind: 'exit' } },
  });
  w.event('go');
  expect(refusals(w)).toEqual(['error: start step "nowhere" is not a step']);
  expect(w.state.enrollments).toEqual([]);
  expect(w.state.entries).toEqual({});
});

test('a planning call that fails for good costs that event its entries only, with an error log', () => {
  const w = world({ event: 'go' });
  w.answer = (c) =>
    c.name === 'planEnrollments' && w.callsNamed('planEnrollments').length === 1
      ? { failure: 'malformed program row' }
      : undefined;
  w.event('go');
  w.event('go');
  expect(w.logs).toEqual([expect.objectContaining({ level: 'error', message: 'cannot plan enrollments' })]);
  expect(entered(w)).toHaveLength(1);
});
