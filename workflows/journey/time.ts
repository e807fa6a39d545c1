// Calendar maths for time steps, in the customer's zone. Pure: Intl works inside the workflow
// sandbox, and every input (now, zone, rule) is part of the history, so replay computes the same.
import type { Weekday } from '../../src/programs/types';

const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface LocalParts {
  weekday: Weekday;
  minutesOfDay: number;
}

/** The first instant strictly after `nowMs` that falls on an allowed weekday at `at` (HH:MM) in `timeZone`. */
export function nextAllowedTime(nowMs: number, rule: { days?: readonly Weekday[]; at: string }, timeZone: string): number {
  const [hh, mm] = rule.at.split(':').map(Number) as [number, number];
  const target = hh * 60 + mm;
  const days = rule.days ?? WEEKDAYS;
  // Walk whole local days forward; 8 covers a full week plus today.
  for (let d = 0; d <= 8; d++) {
    const probe = nowMs + d * DAY;
    const local = localParts(probe, timeZone);
    if (!days.includes(local.weekday)) continue;
    const candidate = atLocalMinutes(probe, local.minutesOfDay, target, timeZone);
    if (candidate > nowMs) return candidate;
  }
  throw new Error(`no allowed time found for ${JSON.stringify(rule)} in ${timeZone}`);
}

/** Minutes since local midnight of an instant in a zone. */
export function localMinutes(ms: number, timeZone: string): number {
  return localParts(ms, timeZone).minutesOfDay;
}

/** Local hour (0-23) of an instant in a zone. */
export function localHour(ms: number, timeZone: string): number {
  return Math.floor(localParts(ms, timeZone).minutesOfDay / 60);
}

/** Formats an instant as "YYYY-MM-DD HH:MM ddd" in a zone, for step records and traces. */
export function formatLocal(ms: number, timeZone: string): string {
  const f = formatter(timeZone).formatToParts(new Date(ms));
  const get = (t: string) => f.find((p) => p.type === t)?.value ?? '';
  const hour = get('hour') === '24' ? '00' : get('hour');
  return `${get('year')}-${get('month')}-${get('day')} ${hour}:${get('minute')} ${get('weekday').toLowerCase()}`;
}

// Moves from `probe` (local time `fromMinutes`) to local `toMinutes` on the same local day, then
// corrects once for a DST change between the two.
function atLocalMinutes(probe: number, fromMinutes: number, toMinutes: number, timeZone: string): number {
  const startOfMinute = probe - (probe % MINUTE);
  let candidate = startOfMinute + (toMinutes - fromMinutes) * MINUTE;
  const drift = localParts(candidate, timeZone).minutesOfDay - toMinutes;
  if (drift !== 0 && Math.abs(drift) <= 120) candidate -= drift * MINUTE;
  return candidate;
}

function localParts(ms: number, timeZone: string): LocalParts {
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '0';
  const hour = Number(get('hour')) % 24;
  return {
    weekday: get('weekday').toLowerCase().slice(0, 3) as Weekday,
    minutesOfDay: hour * 60 + Number(get('minute')),
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The first zone in the fallback chain (profile, program default, UTC) that Intl accepts. */
export function resolveTimeZone(...candidates: (string | null | undefined)[]): string {
  for (const tz of candidates) {
    if (!tz) continue;
    try {
      formatter(tz);
      return tz;
    } catch {
      // A bad zone in a profile must not break the journey: fall through to the next one.
    }
  }
  return 'UTC';
}
