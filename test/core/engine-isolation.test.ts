// A failure inside one enrollment (a call failed for good, a step that does not exist, a
// definition that cannot be loaded) ends that enrollment with `error` + `exit error` records;
// the customer's other enrollments go on untouched.
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';
import { HOUR, World } from './harness';

/** Waits an hour, then goes to `after`. */
function program(name: string, after: string, steps: ProgramDefinitionInput['steps'] = {}): ProgramDefinitionInput {
  return {
    name,
    entry: { event: 'go' },
    start: 'w',
    steps: { w: { kind: 'wait', duration: '1h', next: after }, x: { kind: 'exit' }, ...steps },
  };
}

const healthy = program('ok', 's', { s: { kind: 'send', channel: 'email', template: 't', next: 'x' } });
const fine = (w: World, id: string) =>
  expect(w.trail(id)).toEqual(['enter entered', 'wait waited', 'send sent', 'exit exit_step', 'exit exit_step']);

test('a call that failed for good ends only its own enrollment, with the reason', () => {
  const w = new World()
    .addProgram('bad', program('bad', 'u', { u: { kind: 'update', addTags: ['x'], next: 'x' } }))
    .addProgram('ok', healthy);
  w.answer = (c) => (c.name === 'updateProfile' ? { failure: 'profile locked' } : undefined);
  const ev = w.event('go');
  w.runToEnd();
  expect(w.trail(`bad/${ev.id}`)).toEqual(['enter entered', 'wait waited', 'error failed', 'exit error']);
  expect(w.recordsOf(`bad/${ev.id}`, 'error')[0]).toMatchObject({ stepId: 'u', detail: { reason: 'profile locked' } });
  expect(w.recordsOf(`bad/${ev.id}`, 'exit')[0]!.detail).toEqual({ reason: 'profile locked' });
  expect(w.logs).toEqual([
    expect.objectContaining({
      level: 'warn',
      message: 'enrollment failed',
      data: expect.objectContaining({ enrollmentId: `bad/${ev.id}` }),
    }),
  ]);
  fine(w, `ok/${ev.id}`);
});

test('a step id that does not exist ends only that enrollment', () => {
  const w = new World().addProgram('bad', program('bad', 'nowhere')).addProgram('ok', healthy);
  const ev = w.event('go');
  w.runToEnd();
  expect(w.trail(`bad/${ev.id}`)).toEqual(['enter entered', 'wait waited', 'error failed', 'exit error']);
  expect(w.recordsOf(`bad/${ev.id}`, 'error')[0]!.detail).toEqual({ reason: 'step "nowhere" is not in bad v1' });
  fine(w, `ok/${ev.id}`);
  expect(w.state.enrollments).toEqual([]);
});

test('a read failing for good mid-step (the profile for a branch) ends only that enrollment', () => {
  const w = new World()
    .addProgram(
      'bad',
      program('bad', 'b', {
        b: { kind: 'branch', cases: [{ when: { field: 'profile.tier', op: 'exists' }, next: 'x' }], default: 'x' },
      }),
    )
    .addProgram('ok', healthy);
  w.answer = (c) => (c.name === 'loadProfile' ? { failure: 'profile row unreadable' } : undefined);
  const ev = w.event('go');
  w.runToEnd();
  expect(w.trail(`bad/${ev.id}`).slice(-2)).toEqual(['error failed', 'exit error']);
  fine(w, `ok/${ev.id}`);
});

test('a carried enrollment whose definition cannot be loaded ends alone; the others go on', () => {
  const first = new World().addProgram('gone', program('gone', 'x')).addProgram('ok', healthy);
  const ev = first.event('go');
  first.feed({ type: 'handover' });
  const next = new World(structuredClone(first.state), first.now).addProgram('ok', healthy); // `gone` was deleted
  next.feed({ type: 'start' });
  next.runToEnd();
  expect(next.trail(`gone/${ev.id}`)).toEqual(['error failed', 'exit error']);
  expect(next.recordsOf(`gone/${ev.id}`, 'error')[0]!.detail.reason).toBe('no version 1 of gone');
  expect(next.trail(`ok/${ev.id}`)).toEqual(['wait waited', 'send sent', 'exit exit_step', 'exit exit_step']);
  expect(next.now - first.now).toBe(HOUR);
});
