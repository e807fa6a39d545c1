// Calendar maths for waitUntil: next allowed weekday and time in the customer's zone.
import { formatLocal, nextAllowedTime, resolveTimeZone } from '../../../workflows/journey/time';

const at = (iso: string) => Date.parse(iso);

test('later the same day when the time has not passed yet, in the given zone', () => {
  // 08:30 in Ljubljana (UTC+1 in winter) -> 10:00 the same day = 09:00Z.
  expect(new Date(nextAllowedTime(at('2026-11-23T07:30:00Z'), { at: '10:00' }, 'Europe/Ljubljana')).toISOString()).toBe('2026-11-23T09:00:00.000Z');
});

test('the next allowed weekday when today is excluded or the time has passed', () => {
  // Saturday 12:00 in New York; only weekdays allowed -> Monday 09:00 local.
  const next = nextAllowedTime(at('2026-11-28T17:00:00Z'), { at: '09:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] }, 'America/New_York');
  expect(formatLocal(next, 'America/New_York')).toBe('2026-11-30 09:00 mon');
});

test('strictly after now: exactly at the allowed time moves to the next allowed day', () => {
  const now = at('2026-11-23T09:00:00Z'); // 10:00 in Ljubljana
  expect(formatLocal(nextAllowedTime(now, { at: '10:00' }, 'Europe/Ljubljana'), 'Europe/Ljubljana')).toBe('2026-11-24 10:00 tue');
});

test('keeps the local wall-clock time across a daylight-saving change', () => {
  // Europe switches to summer time on 2026-03-29; Saturday 12:00 -> Sunday 10:00 CEST = 08:00Z.
  const next = nextAllowedTime(at('2026-03-28T11:00:00Z'), { at: '10:00', days: ['sun'] }, 'Europe/Ljubljana');
  expect(new Date(next).toISOString()).toBe('2026-03-29T08:00:00.000Z');
});

test('time-zone fallback: profile, then program default, then UTC, skipping invalid zones', () => {
  expect(resolveTimeZone('Asia/Tokyo', 'Europe/Ljubljana')).toBe('Asia/Tokyo');
  expect(resolveTimeZone(null, 'Europe/Ljubljana')).toBe('Europe/Ljubljana');
  expect(resolveTimeZone('Mars/Olympus', undefined)).toBe('UTC');
});
