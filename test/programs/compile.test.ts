// The execution form the engine runs: every duration in milliseconds, the schema's defaults
// applied, the format version stamped; everything else as the marketer wrote it.
import { FORMAT_VERSION } from '../../src/core/program';
import { compileProgram } from '../../src/programs/compile';
import { programDefinitionSchema } from '../../src/contracts/program-language/schema';

const definition = programDefinitionSchema.parse({
  name: 'Every timed thing',
  entry: { event: 'signup', reentry: { mode: 'cooldown', cooldown: '7d' } },
  goal: { event: { type: 'purchase' }, window: '2 weeks' },
  start: 'pause',
  steps: {
    pause: { kind: 'wait', duration: '90m', next: 'listen' },
    listen: {
      kind: 'waitForEvent',
      event: { type: 'click' },
      timeout: '2d',
      next: { matched: 'cadence', timedOut: 'hour' },
    },
    cadence: {
      kind: 'waitPersonalized',
      strategy: { type: 'purchaseCadence', min: '1d', max: '30d', fallback: '14d' },
      next: 'hour',
    },
    hour: { kind: 'waitPersonalized', strategy: { type: 'bestHour', defaultHour: 9 }, next: 'mail' },
    mail: { kind: 'send', channel: 'email', template: 'hello', next: 'done' },
    done: { kind: 'exit' },
  },
});

test('durations become milliseconds, defaults stay applied, the format version is stamped', () => {
  const program = compileProgram(definition);
  expect(program.formatVersion).toBe(FORMAT_VERSION);
  expect(program.entry).toEqual({
    event: 'signup',
    reentry: { mode: 'cooldown', cooldown: '7d', cooldownMs: 7 * 86_400_000 },
    maxInstances: 1,
  });
  expect(program.goal).toEqual({ event: { type: 'purchase' }, windowMs: 14 * 86_400_000 });
  expect([program.timezone, program.priority, program.quietHours]).toEqual(['UTC', 'marketing', 'hold']);
  expect(program.steps.pause).toEqual({ kind: 'wait', durationMs: 90 * 60_000, next: 'listen' });
  expect(program.steps.listen).toMatchObject({ kind: 'waitForEvent', timeoutMs: 2 * 86_400_000 });
  expect(program.steps.listen).not.toHaveProperty('timeout');
  expect(program.steps.cadence).toEqual({
    kind: 'waitPersonalized',
    strategy: {
      type: 'purchaseCadence',
      factor: 1,
      minMs: 86_400_000,
      maxMs: 30 * 86_400_000,
      fallbackMs: 14 * 86_400_000,
    },
    next: 'hour',
  });
  expect(program.steps.hour).toEqual(definition.steps.hour);
  expect(program.steps.mail).toEqual(definition.steps.mail);
});

test('a program without goal or cooldown compiles without them', () => {
  const plain = compileProgram(
    programDefinitionSchema.parse({ name: 'p', entry: { event: 'e' }, start: 'x', steps: { x: { kind: 'exit' } } }),
  );
  expect(plain).not.toHaveProperty('goal');
  expect(plain.entry.reentry).toEqual({ mode: 'always' });
});
