// The contact policy across programs, enforced by the customer's workflow on the time-skipping
// server: a frequency cap shared by every program, and quiet hours held in the customer's zone.
import { formatLocal } from '../../src/core/time';
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
  world = await startWorld('time-skipping', {
    contactPolicy: { caps: [{ channel: 'email', max: 2, within: '24h' }], quietHours },
  });
  await seedTemplates(world.database.db, ['note']);
  for (const p of ['welcome', 'cross-sell', 'survey'])
    await launchProgram(world.database.db, p, sendsAtOnce(p, 'signup'));
  await launchProgram(world.database.db, 'late-night', sendsAtOnce('late-night', 'browse'));
  await launchProgram(
    world.database.db,
    'late-night-skip',
    sendsAtOnce('late-night-skip', 'browse_skip', { quietHours: 'skip' }),
  );
  await launchProgram(world.database.db, 'receipt', sendsAtOnce('receipt', 'order', { priority: 'transactional' }));
  // Both start on one event; 'a-promo' comes first, so it reserves its slot before 'b-news' looks.
  await launchProgram(
    world.database.db,
    'a-promo',
    sendsAtOnce('a-promo', 'offer', { subscriptionGroup: 'promotions' }),
  );
  await launchProgram(world.database.db, 'b-news', sendsAtOnce('b-news', 'offer'));
});
afterAll(() => world?.stop());

test(
  'three programs email one customer on one day under a cap of 2: ' +
    'two are sent, the third is skipped with reason cap',
  async () => {
    const id = await customer(world, 'tokyo@example.com');
    await world.database.db.customer.update({ where: { id }, data: { timezone: 'Asia/Tokyo' } });
    await send(world, 'tokyo@example.com', 'signup', 'signup-1');
    const messages = await settledMessages(world, id, 3);
    expect(messages.map((m) => m.status).sort()).toEqual(['sent', 'sent', 'skipped']);
    expect(messages.find((m) => m.status === 'skipped')?.reason).toBe('cap (2 per 24h)');
    expect(inboxOf(world, 'tokyo@example.com')).toHaveLength(2);
  },
);

test('a send that does not go out (unsubscribed) never caps another program starting on the same event', async () => {
  // Cap 2 a day; one email already today; unsubscribed from the group of one of two programs.
  const fresh = await customer(world, 'unsub2@example.com');
  await world.database.db.customer.update({ where: { id: fresh }, data: { timezone: 'Asia/Tokyo' } });
  await world.database.db.subscription.create({ data: { customerId: fresh, group: 'promotions', subscribed: false } });
  await send(world, 'unsub2@example.com', 'browse', 'unsub2-browse'); // outside Tokyo's quiet hours
  await settledMessages(world, fresh, 1);
  await send(world, 'unsub2@example.com', 'offer', 'unsub2-offer');
  const messages = await settledMessages(world, fresh, 3);
  const byProgram = Object.fromEntries(messages.map((m) => [m.programId, [m.status, m.reason]]));
  expect(byProgram['a-promo']).toEqual(['skipped', 'unsubscribed: promotions']);
  expect(byProgram['b-news']).toEqual(['sent', null]);
  expect(inboxOf(world, 'unsub2@example.com')).toHaveLength(2);
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
