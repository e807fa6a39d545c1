// Calendar maths for time steps and quiet hours, in the customer's zone. Offsets come from
// @date-fns/tz (built on Intl, which works inside the workflow sandbox); it is small on purpose:
// every cached workflow instantiates the modules it imports, and Luxon cost about 70 kB each.
// Pure: every input (now, zone, rule) is part of the history, so replay computes the same instants.
//
// Daylight-saving rule, the one RFC 5545 and the TC39 Temporal API ("compatible") use:
// - a local time that does not exist (inside a spring-forward gap) is moved forward by the length
//   of the gap: 01:30 on London's spring-forward day is 02:30 BST;
// - a local time that happens twice (in a fall-back overlap) is its first occurrence still ahead.
import { tzOffset } from '@date-fns/tz';
import type { Weekday } from '../contracts/program-language/types';

const MINUTE = 60_000;
const DAY = 86_400_000;
// In the order of Date's getUTCDay: 0 is Sunday.
const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
/** Local days searched: today plus a full week, plus one for a zone that skipped a whole day. */
const DAYS_SEARCHED = 9;

/** The zone's offset from UTC at an instant, in ms. */
const offsetAt = (ms: number, zone: string) => tzOffset(zone, new Date(ms)) * MINUTE;

/** The wall clock of an instant in a zone, as a Date whose UTC fields are the local ones. */
const wallClock = (ms: number, zone: string) => new Date(ms + offsetAt(ms, zone));

/**
 * Every instant at which the zone's clock reads `wallMs` (wall fields as UTC ms): two in a
 * fall-back overlap; in a spring-forward gap, none, so the one the offset before the gap gives,
 * which lands past the gap by its length. Offsets change at most once within a day either side.
 */
function instantsAt(wallMs: number, zone: string): number[] {
  const before = offsetAt(wallMs - DAY, zone);
  const after = offsetAt(wallMs + DAY, zone);
  const exact = [...new Set([before, after])]
    .map((offset) => wallMs - offset)
    .filter((ms) => ms + offsetAt(ms, zone) === wallMs);
  return exact.length > 0 ? exact : [wallMs - before];
}

/** The first instant strictly after `nowMs` at `at` (HH:MM) on an allowed weekday in `timeZone`. */
export function nextAllowedTime(
  nowMs: number,
  rule: { days?: readonly Weekday[]; at: string },
  timeZone: string,
): number {
  const [hour, minute] = rule.at.split(':').map(Number) as [number, number];
  const today = wallClock(nowMs, timeZone);
  for (let d = 0; d < DAYS_SEARCHED; d++) {
    const wallMs = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + d, hour, minute);
    if (rule.days && !rule.days.includes(WEEKDAYS[new Date(wallMs).getUTCDay()]!)) continue;
    const ahead = instantsAt(wallMs, timeZone).filter((ms) => ms > nowMs);
    if (ahead.length > 0) return Math.min(...ahead);
  }
  // Unreachable for a valid rule (days non-empty, zone valid): every allowed weekday occurs in the
  // days searched. Kept total so a bad rule cannot fail the workflow task: wake in a day.
  return nowMs + DAY;
}

/** Minutes since local midnight of an instant in a zone (wall clock, so 0-1439 on any day). */
export function localMinutes(ms: number, timeZone: string): number {
  const local = wallClock(ms, timeZone);
  return local.getUTCHours() * 60 + local.getUTCMinutes();
}

/** Local hour (0-23) of an instant in a zone. */
export function localHour(ms: number, timeZone: string): number {
  return wallClock(ms, timeZone).getUTCHours();
}

/** Formats an instant as "YYYY-MM-DD HH:MM ddd" in a zone, for step records and traces. */
export function formatLocal(ms: number, timeZone: string): string {
  const local = wallClock(ms, timeZone);
  const iso = local.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} ${WEEKDAYS[local.getUTCDay()]}`;
}

const validZones = new Map<string, boolean>();

/** Whether Intl knows the zone (the test Luxon's IANAZone.isValidZone made). */
function isValidZone(zone: string): boolean {
  let valid = validZones.get(zone);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone }).format();
      valid = true;
    } catch {
      valid = false;
    }
    validZones.set(zone, valid);
  }
  return valid;
}

/** The first zone in the fallback chain (profile, program default, UTC) that is a valid IANA zone. */
export function resolveTimeZone(...candidates: (string | null | undefined)[]): string {
  return candidates.find((tz): tz is string => !!tz && isValidZone(tz)) ?? 'UTC';
}
