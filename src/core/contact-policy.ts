// Message pressure rules, judged inside the customer's workflow: frequency caps across all
// programs per channel, and quiet hours in the customer's zone. One workflow owns the contact
// log, so the count is exact even when several programs want to send at the same moment.
import type { ContactRecord } from './state';
import { nextAllowedTime, localMinutes } from './time';

export interface FrequencyCap {
  channel: string;
  max: number;
  /** As configured ("24h", "7d"), for the skip's reason. */
  within: string;
  withinMs: number;
}

export interface ContactPolicy {
  caps: FrequencyCap[];
  /** Local times "HH:MM"; the window may wrap past midnight (21:00-08:00). Null: none. */
  quietHours: { start: string; end: string } | null;
}

/** The first cap a new message on `channel` would break, as text ("2 per 24h"), or null. */
export function breachedCap(
  log: readonly ContactRecord[],
  channel: string,
  caps: readonly FrequencyCap[],
  now: number,
): string | null {
  for (const cap of caps) {
    if (cap.channel !== channel) continue;
    const since = now - cap.withinMs;
    const sent = log.filter((c) => c.channel === channel && !c.transactional && c.at > since).length;
    if (sent >= cap.max) return `${cap.max} per ${cap.within}`;
  }
  return null;
}

/** True while some send on `channel` holds a reserved slot and has not come back. */
export function hasPendingSlot(log: readonly ContactRecord[], channel: string): boolean {
  return log.some((c) => c.pending && c.channel === channel);
}

/** When quiet hours end, if `now` falls inside them in `timeZone`; otherwise null. */
export function quietUntil(now: number, quiet: ContactPolicy['quietHours'], timeZone: string): number | null {
  if (!quiet) return null;
  const m = localMinutes(now, timeZone);
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const inside = start <= end ? m >= start && m < end : m >= start || m < end;
  return inside ? nextAllowedTime(now, { at: quiet.end }, timeZone) : null;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}
