// Goals reached after a journey has ended: an enrollment that ended without converting keeps its
// goal's attribution window in the customer's state, and a goal event inside it still counts.
import type { Program } from './program';
import { matchesEvent } from './matching';
import { ENDED_KEPT, type CustomerEvent, type CustomerState, type EndedEnrollment, type Enrollment } from './state';

/** Keeps an ended enrollment's goal window open, if it has a goal it has not reached. */
export function keepGoalOpen(state: CustomerState, e: Enrollment, def: Program, now: number): void {
  if (!def.goal || e.exitReason === 'goal') return;
  const until = e.enteredAt + def.goal.windowMs;
  if (until < now) return;
  const { id, programId, version, variant, entryKey, seq } = e;
  const ended = (state.ended ??= []);
  ended.push({ id, programId, version, variant, entryKey, seq, goal: def.goal.event, keyPath: def.entry.key, until });
  if (ended.length > ENDED_KEPT) ended.shift();
}

/** The ended enrollments this event converts, each once; closed windows are dropped on the way. */
export function convertEnded(state: CustomerState, event: CustomerEvent, now: number): EndedEnrollment[] {
  if (!state.ended?.length) return [];
  const open = state.ended.filter((x) => x.until >= now);
  const converted = open.filter((x) => matchesEvent(x.goal, event, x, x.keyPath));
  state.ended = open.filter((x) => !converted.includes(x));
  return converted;
}
