// A merge, seen from the survivor: the merged customer's journey joins this one's.
import { rememberEvent, type Journey } from './journey';
import { ENDED_KEPT, type CustomerState } from './state';

/**
 * Takes over a merged customer's journey: their enrollments continue here (their message keys
 * are unchanged, so nothing already sent goes again), and their entry history, contact log,
 * seen events and unprocessed events join this customer's.
 */
export function absorb(journey: Journey, other: CustomerState): void {
  const { state, run } = journey;
  // Theirs first, as older: if the list is full, this customer's recent ids are the ones kept,
  // so an event of theirs the relay redelivers is still known.
  const ownIds = state.seenEventIds;
  const theirs = other.seenEventIds.filter((id) => !run.seen.has(id));
  state.seenEventIds = [];
  run.seen.clear();
  for (const id of [...theirs, ...ownIds]) rememberEvent(journey, id);
  for (const [key, entry] of Object.entries(other.entries)) {
    const mine = state.entries[key];
    state.entries[key] = mine
      ? { count: mine.count + entry.count, lastEnteredAt: Math.max(mine.lastEnteredAt, entry.lastEnteredAt) }
      : entry;
  }
  state.contactLog = [...state.contactLog, ...other.contactLog].sort((a, b) => a.at - b.at);
  if (other.ended?.length)
    state.ended = [...(state.ended ?? []), ...other.ended].sort((a, b) => a.until - b.until).slice(-ENDED_KEPT);
  state.inbox.push(...other.inbox);
  // A customer merged into them while they were merging into this one: theirs is ours too.
  if (other.absorbed?.length) (state.absorbed ??= []).push(...other.absorbed);
  const running = new Set(state.enrollments.map((e) => e.id));
  // Their definitions load before the next event is applied (loadingDefinitions), so no goal
  // or wait of theirs is missed. A call id belongs to the run that made it.
  for (const e of other.enrollments)
    if (!running.has(e.id)) state.enrollments.push({ ...e, awaiting: undefined, progress: e.progress ?? {} });
}
