// Which event types a program version makes a customer's workflow act on, read from its
// definition at publish and stored with the version (program_versions.trigger_event and
// listens_to), so the API's index of referenced types is one small query
// (src/programs/referenced-index.ts; the rule: docs/ARCHITECTURE.md, "Events no program uses").
import { durationMs } from '../contracts/program-language/durations';
import type { ProgramDefinition } from '../contracts/program-language/types';

const DAY_MS = 24 * 60 * 60_000;

/**
 * What an archived program's customers may still take after it was archived, on top of its
 * longest wait or goal window: a `waitUntil` (at most a week and a daylight-saving shift), a best
 * hour (a day), a send held for quiet hours (a day) or retrying through a provider outage (12
 * hours), the program-state check (`KAIROS_PROGRAM_CHECK_MS`, a minute), and a worker running
 * days behind.
 */
export const ARCHIVED_LISTENING_MARGIN_MS = 8 * DAY_MS;

/**
 * The types an enrollment of this version acts on once it exists: every `waitForEvent` step's
 * event and the goal's (the goal also counts after the enrollment ended, within its window).
 * The entry event is `definition.entry.event`, stored as `trigger_event`.
 */
export function listenedTypes(definition: ProgramDefinition): string[] {
  const types = new Set<string>();
  for (const step of Object.values(definition.steps)) if (step.kind === 'waitForEvent') types.add(step.event.type);
  if (definition.goal) types.add(definition.goal.event.type);
  return [...types].sort();
}

/**
 * How long after a program stops an enrollment of this version may still act on an event it
 * listens to: the longest goal window (a goal counts for an enrollment that ended, within the
 * window from its entry) or step that a customer may be in when the program stops (they exit at
 * their next step), plus ARCHIVED_LISTENING_MARGIN_MS.
 */
export function listeningAfterStopMs(definition: ProgramDefinition): number {
  let longest = definition.goal ? durationMs(definition.goal.window) : 0;
  for (const step of Object.values(definition.steps)) {
    if (step.kind === 'wait') longest = Math.max(longest, durationMs(step.duration));
    if (step.kind === 'waitForEvent') longest = Math.max(longest, durationMs(step.timeout));
    if (step.kind === 'waitPersonalized' && step.strategy.type === 'purchaseCadence') {
      longest = Math.max(
        longest,
        durationMs(step.strategy.max),
        durationMs(step.strategy.min),
        durationMs(step.strategy.fallback),
      );
    }
  }
  return longest + ARCHIVED_LISTENING_MARGIN_MS;
}
