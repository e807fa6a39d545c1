// Compiles a marketer's program definition (already parsed by the program schema) into the form
// the engine runs (src/core/program.ts). Pure: publish stores its result beside the definition,
// and the worker's startup recompiles versions stored without it (src/programs/execution-form.ts).
import { durationMs } from '../contracts/program-language/durations';
import { FORMAT_VERSION, type CompiledStep, type Program, type Reentry } from '../core/program';
import type { ProgramDefinition, Step } from '../contracts/program-language/types';

export function compileProgram(def: ProgramDefinition): Program {
  const { entry, goal, steps, ...rest } = def;
  const reentry: Reentry =
    entry.reentry.mode === 'cooldown'
      ? { ...entry.reentry, cooldownMs: durationMs(entry.reentry.cooldown) }
      : entry.reentry;
  return {
    ...rest,
    formatVersion: FORMAT_VERSION,
    entry: { ...entry, reentry },
    ...(goal ? { goal: { event: goal.event, windowMs: durationMs(goal.window) } } : {}),
    steps: Object.fromEntries(Object.entries(steps).map(([id, step]) => [id, compileStep(step)])),
  };
}

function compileStep(step: Step): CompiledStep {
  switch (step.kind) {
    case 'wait': {
      const { duration, ...rest } = step;
      return { ...rest, durationMs: durationMs(duration) };
    }
    case 'waitForEvent': {
      const { timeout, ...rest } = step;
      return { ...rest, timeoutMs: durationMs(timeout) };
    }
    case 'waitPersonalized': {
      const { strategy } = step;
      if (strategy.type === 'bestHour') return { ...step, strategy };
      const { min, max, fallback, ...kept } = strategy;
      return {
        ...step,
        strategy: { ...kept, minMs: durationMs(min), maxMs: durationMs(max), fallbackMs: durationMs(fallback) },
      };
    }
    default:
      return step;
  }
}
