// The contact policy across programs, enforced by the customer's workflow on the time-skipping
// server: a frequency cap shared by every program, and quiet hours held in the customer's zone.
import { formatLocal } from '../../workflows/journey/time';
import { launchProgram, seedTemplates, sendsAtOnce } from '../helpers/seed';
import { startWorld, type World } from '../helpers/world';
import { customer, inboxOf, send, settledMessages } from './helpers';

const HOUR = 3_600_000;
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
// A quiet window around the real current time in UTC (the test server's clock starts at it), so a
// UTC customer is inside it now, and a Tokyo customer (UTC+9) is not.
const now = Date.now();
const quietHours = { start: hhmm(now - HOUR), end: hhmm(now + 2 * HOUR) };
let world: World;

beforeAll(async () => {
  world = await startWorld('time-skipping', { contactPolicy: { caps: [{ channel: 'email', max: 2, within: '24h' }], quietHours } });
  await seedTemplates(world.database.db, ['note']);
  for (const p of ['welcome', 'cross-sell', 'survey']) await launchProgram(world.database.db, p, sendsAtOnce(p, 'signup'));
  await launchProgram(world.database.db, 'late-night', sendsAtOnce('late-night', 'browse'));
  await launchProgram(world.database.db, 'late-night-skip', sendsAtOnce('late-night-skip', 'browse_skip', { quietHours: 'skip' }));
  await launchProgram(world.database.db, 'receipt', sendsAtOnce('receipt', 'order', { priority: 'transactional' }));
});
afterAll(() => world?.stop());

test('three programs email one customer on one day under a cap of 2: two are sent, the third is skipped with reason cap', async () => {
  const id = await customer(world, 'tokyo@example.com');
  await world.database.db.customer.update({ where: { id }, data: { timezone: 'Asia/Tokyo' } });
  await send(world, 'tokyo@example.com', 'signup', 'signup-1');
  const messages = await settledMessages(world, id, 3);
  expect(messages.map((m) => m.status).sort()).toEqual(['sent', 'sent', 'skipped']);
  expect(messages.find((m) => m.status === 'skipped')?.reason).toBe('cap (2 per 24h)');
  expect(inboxOf(world, 'tokyo@example.com')).toHaveLength(2);
});

test('transactional messages bypass quiet hours and the cap', async () => {
  const quietId = await customer(world, 'receipt@example.com');
  await world.database.db.customer.update({ where: { id: quietId }, data: { timezone: 'UTC' } });
  await send(world, 'receipt@example.com', 'order', 'order-quiet');
  expect((await settledMessages(world, quietId, 1))[0]).toMatchObject({ programId: 'receipt', status: 'sent' });

  const cappedId = await customer(world, 'tokyo@example.com'); // already at the cap from the first test
  await send(world, 'tokyo@example.com', 'order', 'order-capped');
  const messages = await settledMessages(world, cappedId, 4);
  expect(messages.find((m) => m.programId === 'receipt')?.status).toBe('sent');
});

test('a program set to skip in quiet hours records the skip and sends nothing', async () => {
  const id = await customer(world, 'skipper@example.com');
  await world.database.db.customer.update({ where: { id }, data: { timezone: 'UTC' } });
  await send(world, 'skipper@example.com', 'browse_skip', 'browse-skip-1');
  const [message] = await settledMessages(world, id, 1);
  expect(message).toMatchObject({ status: 'skipped', reason: 'quiet hours' });
  expect(inboxOf(world, 'skipper@example.com')).toHaveLength(0);
});

// Last: it skips the test server's clock past the quiet window.
test('inside quiet hours in the customer zone the message is held, then sent when the window opens', async () => {
  const id = await customer(world, 'utc@example.com');
  await world.database.db.customer.update({ where: { id }, data: { timezone: 'UTC' } });
  const before = await world.env.currentTimeMs();
  await send(world, 'utc@example.com', 'browse', 'browse-1');
  await world.env.sleep('3h');
  const [message] = await settledMessages(world, id, 1);
  expect(message?.status).toBe('sent');
  const sentAt = message!.scheduledAt.getTime();
  expect(formatLocal(sentAt, 'UTC').slice(11, 16)).toBe(quietHours.end);
  expect(sentAt - before).toBeLessThanOrEqual(2 * HOUR + 60_000);
  expect(sentAt - before).toBeGreaterThan(HOUR);
});
