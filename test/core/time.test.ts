// Calendar maths for waitUntil: next allowed weekday and time in the customer's zone.
import fc from 'fast-check';
import { quietUntil } from '../../src/core/contact-policy';
import { formatLocal, nextAllowedTime, resolveTimeZone } from '../../src/core/time';
import { type CalendarRule, expectedNextTime, offsetChanges, wallClock } from './calendar-oracle';

const at = (iso: string) => Date.parse(iso);
const DAY = 86_400_000;

test('later the same day when the time has not passed yet, in the given zone', () => {
  // 08:30 in Ljubljana (UTC+1 in winter) -> 10:00 the same day = 09:00Z.
  expect(new Date(nextAllowedTime(at('2026-11-23T07:30:00Z'), { at: '10:00' }, 'Europe/Ljubljana')).toISOString()).toBe(
    '2026-11-23T09:00:00.000Z',
  );
});

test('the next allowed weekday when today is excluded or the time has passed', () => {
  // Saturday 12:00 in New York; only weekdays allowed -> Monday 09:00 local.
  const next = nextAllowedTime(
    at('2026-11-28T17:00:00Z'),
    { at: '09:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
    'America/New_York',
  );
  expect(formatLocal(next, 'America/New_York')).toBe('2026-11-30 09:00 mon');
});

test('strictly after now: exactly at the allowed time moves to the next allowed day', () => {
  const now = at('2026-11-23T09:00:00Z'); // 10:00 in Ljubljana
  expect(formatLocal(nextAllowedTime(now, { at: '10:00' }, 'Europe/Ljubljana'), 'Europe/Ljubljana')).toBe(
    '2026-11-24 10:00 tue',
  );
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

describe('daylight-saving changes, against an independent walk of the wall clock', () => {
  const iso = (ms: number) => new Date(ms).toISOString();

  test('an entry in the week before a spring-forward Sunday wakes that Sunday, not a week later', () => {
    // Saturday 2027-03-27 23:30 GMT, waitUntil Sunday 10:00: Sunday 2027-03-28 10:00 BST.
    expect(
      formatLocal(
        nextAllowedTime(at('2027-03-27T23:30:00Z'), { at: '10:00', days: ['sun'] }, 'Europe/London'),
        'Europe/London',
      ),
    ).toBe('2027-03-28 10:00 sun');
    expect(
      formatLocal(
        nextAllowedTime(at('2027-03-14T04:30:00Z'), { at: '10:00', days: ['sun'] }, 'America/New_York'),
        'America/New_York',
      ),
    ).toBe('2027-03-14 10:00 sun');
  });

  test('the last local hour of a Thursday before a spring-forward Sunday finds the Sunday instead of throwing', () => {
    expect(
      formatLocal(
        nextAllowedTime(at('2027-03-25T23:30:00Z'), { at: '10:00', days: ['sun'] }, 'Europe/London'),
        'Europe/London',
      ),
    ).toBe('2027-03-28 10:00 sun');
  });

  test('times either side of the change day keep their own day', () => {
    const london = (now: string, rule: CalendarRule) =>
      formatLocal(nextAllowedTime(at(now), rule, 'Europe/London'), 'Europe/London');
    expect(london('2027-03-27T12:00:00Z', { at: '00:15' })).toBe('2027-03-28 00:15 sun');
    expect(london('2027-03-27T23:30:00Z', { at: '00:15' })).toBe('2027-03-28 00:15 sun');
    expect(london('2027-03-28T00:30:00Z', { at: '23:30' })).toBe('2027-03-28 23:30 sun');
  });

  test(
    'a time inside the gap moves forward by the gap; ' + 'a time that happens twice is its first occurrence ahead',
    () => {
      // 01:30 does not exist in London on 2027-03-28: 02:30 BST (01:30Z), whenever the customer entered.
      expect(iso(nextAllowedTime(at('2027-03-27T12:00:00Z'), { at: '01:30' }, 'Europe/London'))).toBe(
        '2027-03-28T01:30:00.000Z',
      );
      expect(iso(nextAllowedTime(at('2027-03-27T23:30:00Z'), { at: '01:30' }, 'Europe/London'))).toBe(
        '2027-03-28T01:30:00.000Z',
      );
      // 01:30 happens twice in New York on 2026-11-01: EDT (05:30Z), then EST (06:30Z).
      expect(iso(nextAllowedTime(at('2026-10-31T16:00:00Z'), { at: '01:30' }, 'America/New_York'))).toBe(
        '2026-11-01T05:30:00.000Z',
      );
      expect(iso(nextAllowedTime(at('2026-11-01T05:45:00Z'), { at: '01:30' }, 'America/New_York'))).toBe(
        '2026-11-01T06:30:00.000Z',
      );
    },
  );

  test('quiet hours that end on the spring-forward day release that morning', () => {
    const quiet = { start: '21:00', end: '08:00' };
    expect(formatLocal(quietUntil(at('2027-03-27T23:30:00Z'), quiet, 'Europe/London')!, 'Europe/London')).toBe(
      '2027-03-28 08:00 sun',
    );
  });

  const RULES: CalendarRule[] = [
    { at: '10:00', days: ['sun'] },
    { at: '00:15' },
    { at: '23:30' },
    { at: '01:30' },
    { at: '02:30', days: ['sat', 'sun'] },
    { at: '09:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
  ];
  const DST_ZONES = [
    'Europe/London',
    'America/New_York',
    'Australia/Sydney',
    'Australia/Lord_Howe',
    'America/Santiago',
  ];

  test('every rule, every 30 minutes within 3 days of each change in 2026-2027, in five zones', () => {
    let cases = 0;
    const wrong: string[] = [];
    for (const zone of DST_ZONES) {
      const changes = offsetChanges(zone, at('2026-01-01T00:00:00Z'), at('2028-01-01T00:00:00Z'));
      expect(changes).toHaveLength(4);
      for (const change of changes) {
        for (let now = change - 3 * DAY; now <= change + 3 * DAY; now += 30 * 60_000) {
          for (const rule of RULES) {
            cases++;
            const got = nextAllowedTime(now, rule, zone);
            const want = expectedNextTime(now, rule, zone);
            if (got !== want)
              wrong.push(`${zone} from ${iso(now)} ${JSON.stringify(rule)}: got ${iso(got)}, want ${iso(want)}`);
          }
        }
      }
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(cases).toBe(5 * 4 * 289 * RULES.length);
  });

  test('property: any instant 2026-2028, any zone (half-hour, 45-minute, no DST) and rule agree with the walk', () => {
    const zones = [
      ...DST_ZONES,
      'Asia/Kolkata',
      'Asia/Kathmandu',
      'Pacific/Chatham',
      'America/Sao_Paulo',
      'UTC',
      'Pacific/Apia',
    ];
    const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
    const from = at('2026-01-01T00:00:00Z');
    const to = at('2028-12-31T00:00:00Z');
    const changes = new Map(zones.map((zone) => [zone, offsetChanges(zone, from, to)]));
    // Half the instants fall within 3 days of one of the zone's changes, where the mistakes live.
    const zoneAndInstant = fc.constantFrom(...zones).chain((zone) =>
      fc.tuple(
        fc.constant(zone),
        changes.get(zone)!.length === 0
          ? fc.integer({ min: from, max: to })
          : fc.oneof(
              fc.integer({ min: from, max: to }),
              fc
                .tuple(fc.constantFrom(...changes.get(zone)!), fc.integer({ min: -3 * DAY, max: 3 * DAY }))
                .map(([c, d]) => c + d),
            ),
      ),
    );
    fc.assert(
      fc.property(
        zoneAndInstant,
        fc.integer({ min: 0, max: 23 }),
        fc.constantFrom(0, 15, 30, 45),
        fc.option(fc.uniqueArray(fc.constantFrom(...weekdays), { minLength: 1, maxLength: 7 }), { nil: undefined }),
        ([zone, now], h, m, days) => {
          const rule = { at: `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`, days };
          expect(iso(nextAllowedTime(now, rule, zone))).toBe(iso(expectedNextTime(now, rule, zone)));
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('property: quiet hours release at the next end of the window, and only inside it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2028-12-31T00:00:00Z') }),
        fc.constantFrom(...DST_ZONES, 'Asia/Kolkata'),
        (now, zone) => {
          const quiet = { start: '21:00', end: '08:00' };
          const minutes = (wallClock(now, zone) % DAY) / 60_000;
          const inside = minutes >= 21 * 60 || minutes < 8 * 60;
          const released = quietUntil(now, quiet, zone);
          expect(released).toBe(inside ? expectedNextTime(now, { at: '08:00' }, zone) : null);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
