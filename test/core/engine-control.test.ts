// Program control as customers in flight see it at step boundaries and before sends: pause holds
// a send (one `held` record) and asks again; stop and rollback make the customer exit; a step map
// moves them onto the live version.
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';
import { HOUR, MINUTE, T0, World } from './harness';

/** Waits an hour, sends `template`, exits. */
function version(template: string, sendStep = 's'): ProgramDefinitionInput {
  return {
    name: 'p',
    entry: { event: 'go' },
    start: 'w',
    steps: {
      w: { kind: 'wait', duration: '1h', next: sendStep },
      [sendStep]: { kind: 'send', channel: 'email', template, next: 'x' },
      x: { kind: 'exit' },
    },
  };
}

function world(opts: { variant?: string } = {}): { w: World; id: string } {
  const w = new World().addProgram('p', version('v1'), { variant: opts.variant ?? null });
  return { w, id: `p/${w.event('go').id}` };
}

describe('paused', () => {
  test('holds the customer before the send with one `held` record, asking again until resumed', () => {
    const { w, id } = world();
    w.control('p').status = 'paused';
    w.advanceTo(T0 + HOUR + 35 * MINUTE); // the wait ends, then three re-checks 10 minutes apart
    expect(w.trail(id)).toEqual(['enter entered', 'wait waited', 'send held']);
    expect(w.recordsOf(id, 'send')[0]).toMatchObject({ at: T0 + HOUR, detail: { reason: 'program paused' } });
    const asked = w.callsNamed('programControl').length;
    expect(asked).toBeGreaterThanOrEqual(4);
    expect(w.messages()).toEqual([]);
    expect(w.quiescent()).toBe(true);

    w.control('p').status = 'live';
    w.runToEnd();
    expect(w.trail(id)).toEqual([
      'enter entered',
      'wait waited',
      'send held',
      'send sent',
      'exit exit_step',
      'exit exit_step',
    ]);
    expect(w.messages()[0]!.scheduledAt).toBe(T0 + HOUR + 40 * MINUTE); // the first re-check after the resume
  });

  test('stopped while held: the customer exits at the next re-check, sending nothing', () => {
    const { w, id } = world();
    w.control('p').status = 'paused';
    w.advanceTo(T0 + HOUR + 5 * MINUTE);
    w.control('p').status = 'stopped';
    w.runToEnd();
    expect(w.trail(id)).toEqual(['enter entered', 'wait waited', 'send held', 'exit program stopped']);
    expect(w.messages()).toEqual([]);
  });

  test('paused during quiet hours: held again when the night ends', () => {
    const w = new World(undefined, Date.parse('2026-06-01T22:00:00Z'));
    w.addProgram('p', {
      name: 'p',
      entry: { event: 'go' },
      start: 's',
      steps: { s: { kind: 'send', channel: 'email', template: 't', next: 'x' }, x: { kind: 'exit' } },
    });
    w.policy = { caps: [], quietHours: { start: '21:00', end: '08:00' }, timeZone: 'UTC' };
    const id = `p/${w.event('go').id}`;
    w.control('p').status = 'paused';
    w.advanceTo(Date.parse('2026-06-02T08:30:00Z'));
    expect(w.trail(id)).toEqual(['enter entered', 'send held']);
    expect(w.recordsOf(id, 'send')[0]!.at).toBe(Date.parse('2026-06-02T08:00:00Z'));
    w.control('p').status = 'live';
    w.runToEnd();
    expect(w.trail(id)).toContain('send sent');
  });
});

test('stopped: the customer exits at the next step boundary', () => {
  const { w, id } = world();
  w.advanceBy(30 * MINUTE);
  w.control('p').status = 'stopped';
  w.advanceBy(29 * MINUTE);
  expect(w.trail(id)).toEqual(['enter entered']); // a wait in progress is not cut short
  w.runToEnd();
  expect(w.trail(id)).toEqual(['enter entered', 'wait waited', 'exit program stopped']);
  expect(w.messages()).toEqual([]);
});

test('archived counts as stopped', () => {
  const { w, id } = world();
  w.control('p').status = 'archived';
  w.runToEnd();
  expect(w.trail(id).at(-1)).toBe('exit program stopped');
});

test('a rolled-back version: its customers exit at the next boundary', () => {
  const { w, id } = world();
  w.control('p').retired = 'rolled back: bad template';
  w.runToEnd();
  expect(w.trail(id)).toEqual(['enter entered', 'wait waited', 'exit version rolled back']);
});

describe('step map migration', () => {
  /** v2 is released with a step map from v1's `s` to v2's `s2`. */
  function released(variant?: string): { w: World; id: string } {
    const { w, id } = world({ variant });
    w.addProgram('p', version('v2', 's2'), { version: 2 });
    w.control('p', 1).migrateTo = { version: 2, steps: { s: 's2' } };
    return { w, id };
  }

  test("moves the customer to the live version's step at the boundary, and on in that version", () => {
    const { w, id } = released();
    w.runToEnd();
    expect(w.callsNamed('loadProgramVersion').map((c) => c.args)).toEqual([{ programId: 'p', version: 2 }]);
    expect(w.recordsOf(id, 'migrate')).toEqual([
      expect.objectContaining({
        version: 1,
        stepId: 's',
        outcome: 'migrated',
        detail: { fromVersion: 1, toVersion: 2, toStep: 's2' },
      }),
    ]);
    expect(w.messages()).toEqual([expect.objectContaining({ version: 2, stepId: 's2', templateId: 'v2' })]);
    expect(w.recordsOf(id, 'send')[0]!.version).toBe(2);
  });

  test('a step not in the map stays on its version', () => {
    const { w, id } = world();
    w.addProgram('p', version('v2', 's2'), { version: 2 });
    w.control('p', 1).migrateTo = { version: 2, steps: { other: 's2' } };
    w.runToEnd();
    expect(w.recordsOf(id, 'migrate')).toEqual([]);
    expect(w.messages()[0]).toMatchObject({ version: 1, templateId: 'v1' });
  });

  test('experiment customers stay on their variant', () => {
    const { w, id } = released('B');
    w.runToEnd();
    expect(w.recordsOf(id, 'migrate')).toEqual([]);
    expect(w.messages()[0]).toMatchObject({ version: 1, variant: 'B', templateId: 'v1' });
  });
});

test('a program state read within cacheMs is reused, not asked again at each boundary', () => {
  const w = new World().addProgram(
    'p',
    {
      name: 'p',
      entry: { event: 'go' },
      start: 'a',
      steps: {
        a: { kind: 'wait', duration: '1m', next: 'b' },
        b: { kind: 'wait', duration: '1m', next: 'c' },
        c: { kind: 'exit' },
      },
    },
    { control: { cacheMs: HOUR } },
  );
  w.event('go');
  w.runToEnd();
  expect(w.callsNamed('programControl')).toEqual([]); // the planned entry's state serves for an hour
});
