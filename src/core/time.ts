// Calendar maths for time steps and quiet hours, in the customer's zone, through Luxon (built on
// Intl, which works inside the workflow sandbox). Pure: every input (now, zone, rule) is part of
// the history, so replay computes the same instants.
//
// Daylight-saving rule, the one RFC 5545 and the TC39 Temporal API ("compatible") use:
// - a local time that does not exist (inside a spring-forward gap) is moved forward by the length
//   of the gap: 01:30 on London's spring-forward day is 02:30 BST;
// - a local time that happens twice (in a fall-back overlap) is its first occurrence still ahead.
import { DateTime, IANAZone } from 'luxon';
import type { Weekday } from '../programs/types';

// Luxon numbers weekdays 1 (Monday) to 7 (Sunday).
const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
/** Local days searched: today plus a full week, plus one for a zone that skipped a whole day. */
const DAYS_SEARCHED = 9;

/** The first instant strictly after `nowMs` at `at` (HH:MM) on an allowed weekday in `timeZone`. */
export function nextAllowedTime(nowMs: number, rule: { days?: readonly Weekday[]; at: string }, timeZone: string): number {
  const [hour, minute] = rule.at.split(':').map(Number) as [number, number];
  const today = DateTime.fromMillis(nowMs, { zone: timeZone }).startOf('day');
  for (let d = 0; d < DAYS_SEARCHED; d++) {
    const day = today.plus({ days: d });
    if (rule.days && !rule.days.includes(WEEKDAYS[day.weekday - 1]!)) continue;
    const wall = DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour, minute }, { zone: timeZone });
    // Both occurrences of an ambiguous time; for a time in a gap, the one moved past it.
    const ahead = wall
      .getPossibleOffsets()
      .map((dt) => dt.toMillis())
      .filter((ms) => ms > nowMs);
    if (ahead.length > 0) return Math.min(...ahead);
  }
  // Unreachable for a valid rule (days non-empty, zone valid): every allowed weekday occurs in the
  // days searched. Kept total so a bad rule cannot fail the workflow task: wake in a day.
  return nowMs + 86_400_000;
}

/** Minutes since local midnight of an instant in a zone (wall clock, so 0-1439 on any day). */
export function localMinutes(ms: number, timeZone: string): number {
  const local = DateTime.fromMillis(ms, { zone: timeZone });
  return local.hour * 60 + local.minute;
}

/** Local hour (0-23) of an instant in a zone. */
export function localHour(ms: number, timeZone: string): number {
  return DateTime.fromMillis(ms, { zone: timeZone }).hour;
}

/** Formats an instant as "YYYY-MM-DD HH:MM ddd" in a zone, for step records and traces. */
export function formatLocal(ms: number, timeZone: string): string {
  const local = DateTime.fromMillis(ms, { zone: timeZone });
  return `${local.toFormat('yyyy-MM-dd HH:mm')} ${WEEKDAYS[local.weekday - 1]}`;
}

/** The first zone in the fallback chain (profile, program default, UTC) that is a valid IANA zone. */
export function resolveTimeZone(...candidates: (string | null | undefined)[]): string {
  return candidates.find((tz): tz is string => !!tz && IANAZone.isValidZone(tz)) ?? 'UTC';
}
