// The contact policy comes with the plan: a send right after entry is judged by it without a read
// of its own; a send after a longer wait reads it again, so a changed time zone or quiet-hours
// setting is seen.
import { POLICY_FRESH_MS } from '../../src/core/engine';
import { DAY, World } from './harness';

const program = (wait: boolean) => ({
  name: 'p',
  quietHours: 'skip' as const,
  entry: { event: 'go' },
  start: wait ? 'pause' : 's',
  steps: {
    pause: { kind: 'wait' as const, duration: '1d', next: 's' },
    s: { kind: 'send' as const, channel: 'email' as const, template: 't', next: 'x' },
    x: { kind: 'exit' as const },
  },
});

test('a send right after entry uses the policy the plan brought', () => {
  const w = new World().addProgram('p', program(false));
  w.event('go');
  expect(w.callsNamed('loadContactPolicy')).toEqual([]);
  expect(w.sent()).toHaveLength(1);
});

test('a send after a wait longer than the policy stays fresh reads it again, and is judged by the new one', () => {
  expect(DAY).toBeGreaterThan(POLICY_FRESH_MS);
  const w = new World().addProgram('p', program(true));
  w.event('go');
  w.policy = { caps: [], quietHours: { start: '00:00', end: '23:59' }, timeZone: 'UTC' }; // quiet all day now
  w.runToEnd();
  expect(w.callsNamed('loadContactPolicy')).toHaveLength(1);
  expect(w.records.find((r) => r.kind === 'send')?.outcome).toBe('skipped: quiet hours');
});
