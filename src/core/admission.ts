// Entry rules the workflow applies to a candidate program: entry key, simultaneous instances and
// re-entry. Pure, over the workflow's own state, so there are no races between events.
import type { EnrollmentCandidate } from './calls';
import { entryKeyOf } from './matching';
import type { CustomerEvent, CustomerState } from './state';

export type Admission = { admitted: true; entryKey: string | null } | { admitted: false; reason: string };

export function entryRecordKey(programId: string, entryKey: string | null): string {
  return `${programId}|${entryKey ?? ''}`;
}

/** Re-entry rules apply per entry key (per program when the program is not keyed). */
export function admit(
  state: CustomerState,
  candidate: Extract<EnrollmentCandidate, { definition: unknown }>,
  event: CustomerEvent,
  now: number,
): Admission {
  const { entry } = candidate.definition;
  const entryKey = entry.key ? entryKeyOf(event, entry.key) : null;
  if (entry.key && entryKey === null) return { admitted: false, reason: `event has no ${entry.key}` };
  const active = state.enrollments.filter((e) => e.programId === candidate.programId && e.exitReason === null);
  if (entry.key && active.some((e) => e.entryKey === entryKey))
    return { admitted: false, reason: 'already active for this key' };
  if (active.length >= entry.maxInstances)
    return { admitted: false, reason: `max instances (${entry.maxInstances}) reached` };
  const previous = state.entries[entryRecordKey(candidate.programId, entryKey)];
  if (previous) {
    const { reentry } = entry;
    if (reentry.mode === 'once') return { admitted: false, reason: 'entered before (re-entry: once)' };
    if (reentry.mode === 'cooldown' && now - previous.lastEnteredAt < reentry.cooldownMs) {
      return { admitted: false, reason: `cooling down (${reentry.cooldown} since last entry)` };
    }
  }
  return { admitted: true, entryKey };
}
