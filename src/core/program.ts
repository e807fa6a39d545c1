// The execution form of a program version: what the engine runs. Compiled from the marketer's
// definition (src/programs/compile.ts) at publish and stored with the version: durations in
// milliseconds, defaults applied, so the engine never parses text. Readers check the stored form
// (src/programs/execution-form.ts), so a malformed row is refused by name before it.
import type { EventMatch, ProgramDefinition, StepKind, StepOf } from '../contracts/program-language/types';

/** Bumped whenever the execution form changes shape: each worker recompiles older stored forms as it starts. */
export const FORMAT_VERSION = 1;

export type PersonalizedStrategy =
  | { type: 'purchaseCadence'; factor: number; minMs: number; maxMs: number; fallbackMs: number }
  | { type: 'bestHour'; defaultHour: number };

/** Steps as the schema gives them, but every duration in milliseconds. */
export type CompiledStep =
  | StepOf<Exclude<StepKind, 'wait' | 'waitForEvent' | 'waitPersonalized'>>
  | (Omit<StepOf<'wait'>, 'duration'> & { durationMs: number })
  | (Omit<StepOf<'waitForEvent'>, 'timeout'> & { timeoutMs: number })
  | (Omit<StepOf<'waitPersonalized'>, 'strategy'> & { strategy: PersonalizedStrategy });
export type CompiledStepOf<K extends StepKind> = Extract<CompiledStep, { kind: K }>;

/** A cooldown keeps its text ("7d") for the refusal's reason. */
export type Reentry =
  { mode: 'once' } | { mode: 'always' } | { mode: 'cooldown'; cooldown: string; cooldownMs: number };

export interface Program extends Omit<ProgramDefinition, 'entry' | 'goal' | 'steps'> {
  formatVersion: typeof FORMAT_VERSION;
  entry: Omit<ProgramDefinition['entry'], 'reentry'> & { reentry: Reentry };
  goal?: { event: EventMatch; windowMs: number };
  steps: Record<string, CompiledStep>;
}
