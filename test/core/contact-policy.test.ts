// Caps and quiet-hours arithmetic of the contact policy.
import { breachedCap, quietUntil } from '../../src/core/contact-policy';

const HOUR = 3_600_000;
const now = Date.parse('2026-11-23T12:00:00Z');
const caps = [
  { channel: 'email', max: 2, within: '24h', withinMs: 86_400_000 },
  { channel: 'email', max: 5, within: '7d', withinMs: 604_800_000 },
];

test('a cap counts only its channel, inside its window, and not transactional messages', () => {
  const log = [
    { channel: 'email', programId: 'a', at: now - 25 * HOUR },
    { channel: 'sms', programId: 'b', at: now - HOUR },
    { channel: 'email', programId: 'c', at: now - HOUR, transactional: true },
    { channel: 'email', programId: 'd', at: now - 2 * HOUR },
  ];
  expect(breachedCap(log, 'email', caps, now)).toBeNull();
  expect(breachedCap([...log, { channel: 'email', programId: 'e', at: now - 3 * HOUR }], 'email', caps, now)).toBe(
    '2 per 24h',
  );
});

test('the weekly cap applies when the daily one does not', () => {
  const log = [1, 2, 3, 4, 5].map((d) => ({ channel: 'email', programId: 'p', at: now - d * 25 * HOUR }));
  expect(breachedCap(log, 'email', caps, now)).toBe('5 per 7d');
});

test('quiet hours that wrap midnight hold until their end in the customer zone', () => {
  const quiet = { start: '21:00', end: '08:00' };
  // 22:30 in Ljubljana (UTC+1) -> until 08:00 local the next day = 07:00Z.
  expect(new Date(quietUntil(Date.parse('2026-11-23T21:30:00Z'), quiet, 'Europe/Ljubljana')!).toISOString()).toBe(
    '2026-11-24T07:00:00.000Z',
  );
  expect(quietUntil(Date.parse('2026-11-23T12:00:00Z'), quiet, 'Europe/Ljubljana')).toBeNull();
  expect(quietUntil(now, null, 'UTC')).toBeNull();
});
