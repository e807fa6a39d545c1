// Waits across daylight-saving changes, through the engine (profile zone, wake-up, tick), against
// src/core/time.ts's documented rule: a local time inside a spring-forward gap moves forward by
// the gap; one that happens twice is its first occurrence still ahead. `wait` durations are
// elapsed time, not wall-clock time. The oracle (calendar-oracle.ts) shares no code with time.ts.
import fc from 'fast-check';
import type { Weekday } from '../../src/contracts/program-language/types';
import { expectedNextTime } from './calendar-oracle';
import { DAY, HOUR, World } from './harness';

const at = Date.parse;

/** Enters a calendar wait at `now` for a customer in `zone`; returns when it woke and its record. */
function waitUntil(zone: string, now: number, rule: { at: string; days?: Weekday[] }) {
  const w = new World(undefined, now).addProgram('p', {
    name: 'p',
    entry: { event: 'go' },
    start: 'u',
    steps: { u: { kind: 'waitUntil', ...rule, next: 'x' }, x: { kind: 'exit' } },
  });
  w.profile.profile.timezone = zone;
  const id = `p/${w.event('go').id}`;
  w.runToEnd();
  const record = w.recordsOf(id, 'waitUntil')[0]!;
  return { woke: new Date(record.at).toISOString(), until: record.detail.until };
}

describe('spring forward: a time inside the gap moves forward by the gap', () => {
  test('Europe/London 2026-03-29: 01:30 does not exist, wakes 02:30 BST', () => {
    expect(waitUntil('Europe/London', at('2026-03-28T12:00:00Z'), { at: '01:30', days: ['sun'] })).toEqual({
      woke: '2026-03-29T01:30:00.000Z',
      until: '2026-03-29 02:30 sun',
    });
  });

  test('America/New_York 2026-03-08: 02:30 does not exist, wakes 03:30 EDT', () => {
    expect(waitUntil('America/New_York', at('2026-03-07T17:00:00Z'), { at: '02:30' })).toEqual({
      woke: '2026-03-08T07:30:00.000Z',
      until: '2026-03-08 03:30 sun',
    });
  });

  test('a time after the gap keeps its wall clock (09:00 EDT, an hour earlier in UTC than the day before)', () => {
    expect(waitUntil('America/New_York', at('2026-03-07T17:00:00Z'), { at: '09:00', days: ['sun'] }).woke).toBe(
      '2026-03-08T13:00:00.000Z',
    );
    expect(waitUntil('America/New_York', at('2026-03-06T17:00:00Z'), { at: '09:00', days: ['sat'] }).woke).toBe(
      '2026-03-07T14:00:00.000Z',
    );
  });
});

describe('fall back: a time that happens twice is its first occurrence still ahead', () => {
  test('Europe/London 2026-10-25: 01:30 BST, before the clocks go back', () => {
    expect(waitUntil('Europe/London', at('2026-10-24T12:00:00Z'), { at: '01:30' })).toEqual({
      woke: '2026-10-25T00:30:00.000Z',
      until: '2026-10-25 01:30 sun',
    });
  });

  test('Europe/London, entering between the two 01:30s: the second one (01:30 GMT)', () => {
    expect(waitUntil('Europe/London', at('2026-10-25T00:45:00Z'), { at: '01:30' }).woke).toBe(
      '2026-10-25T01:30:00.000Z',
    );
  });

  test('America/New_York 2026-11-01: 01:30 EDT first', () => {
    expect(waitUntil('America/New_York', at('2026-10-31T17:00:00Z'), { at: '01:30' }).woke).toBe(
      '2026-11-01T05:30:00.000Z',
    );
    expect(waitUntil('America/New_York', at('2026-11-01T05:45:00Z'), { at: '01:30' }).woke).toBe(
      '2026-11-01T06:30:00.000Z',
    );
  });
});

describe('zones without daylight saving', () => {
  test('Asia/Kolkata (UTC+05:30): 09:00 IST is 03:30Z on the days the West changes its clocks', () => {
    expect(waitUntil('Asia/Kolkata', at('2026-03-08T00:00:00Z'), { at: '09:00' })).toEqual({
      woke: '2026-03-08T03:30:00.000Z',
      until: '2026-03-08 09:00 sun',
    });
    expect(waitUntil('Asia/Kolkata', at('2026-10-25T04:00:00Z'), { at: '09:00' }).woke).toBe(
      '2026-10-26T03:30:00.000Z',
    );
  });

  test('UTC', () => {
    expect(waitUntil('UTC', at('2026-03-29T00:30:00Z'), { at: '01:30' }).woke).toBe('2026-03-29T01:30:00.000Z');
  });
});

test('a `wait` of 1d across spring-forward is 24 elapsed hours, so its wall clock moves an hour', () => {
  const w = new World(undefined, at('2026-03-28T09:00:00Z')).addProgram('p', {
    name: 'p',
    entry: { event: 'go' },
    start: 'w',
    steps: { w: { kind: 'wait', duration: '1d', next: 'x' }, x: { kind: 'exit' } },
  });
  w.profile.profile.timezone = 'Europe/London';
  const id = `p/${w.event('go').id}`; // 09:00 GMT
  w.runToEnd();
  expect(w.recordsOf(id, 'wait')[0]!.at).toBe(at('2026-03-29T09:00:00Z')); // 10:00 BST
});

test('quiet hours that end on a spring-forward morning end at 08:00 local summer time', () => {
  const w = new World(undefined, at('2026-03-28T23:00:00Z')).addProgram('p', {
    name: 'p',
    entry: { event: 'go' },
    start: 's',
    steps: { s: { kind: 'send', channel: 'email', template: 't', next: 'x' }, x: { kind: 'exit' } },
  });
  w.policy = { caps: [], quietHours: { start: '21:00', end: '08:00' }, timeZone: 'Europe/London' };
  w.event('go');
  w.runToEnd();
  expect(w.messages()[0]!.scheduledAt).toBe(at('2026-03-29T07:00:00Z'));
});

test('property: around every change of 2026 in these zones, the engine wakes where the oracle says', () => {
  const changes: [string, number][] = [
    ['Europe/London', at('2026-03-29T01:00:00Z')],
    ['Europe/London', at('2026-10-25T01:00:00Z')],
    ['America/New_York', at('2026-03-08T07:00:00Z')],
    ['America/New_York', at('2026-11-01T06:00:00Z')],
    ['Asia/Kolkata', at('2026-03-29T01:00:00Z')],
    ['UTC', at('2026-10-25T01:00:00Z')],
  ];
  const days: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  fc.assert(
    fc.property(
      fc.constantFrom(...changes),
      fc.integer({ min: -3 * DAY, max: 3 * DAY }),
      fc.integer({ min: 0, max: 23 }),
      fc.constantFrom(0, 15, 30, 45),
      fc.option(fc.uniqueArray(fc.constantFrom(...days), { minLength: 1, maxLength: 3 }), { nil: undefined }),
      ([zone, change], offset, hour, minute, allowed) => {
        const now = change + Math.round(offset / 60_000) * 60_000;
        const rule = {
          at: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`,
          ...(allowed ? { days: allowed } : {}),
        };
        const { woke } = waitUntil(zone, now, rule);
        expect(woke).toBe(new Date(expectedNextTime(now, rule, zone)).toISOString());
        expect(at(woke)).toBeGreaterThan(now);
        expect(at(woke) - now).toBeLessThanOrEqual(8 * DAY + HOUR);
      },
    ),
    { numRuns: 150 },
  );
});
