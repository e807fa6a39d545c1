// The abandoned-cart program on the time-skipping server: one enrollment per cart, an order for a
// cart stops only that cart's reminders, and the other cart's reminders arrive 1h and 24h later.
import { abandonedCart, fixtureTemplateIds } from '../programs/fixtures';
import { launchProgram, seedTemplates } from '../helpers/seed';
import { startWorld, type World } from '../helpers/world';
import {
  customer,
  DAY,
  enrollments,
  HOUR,
  inboxOf,
  messagesOf,
  send,
  settledMessages,
  stepRecord,
  stepsOf,
} from './helpers';

const SLACK = 60_000;
let world: World;

beforeAll(async () => {
  world = await startWorld('time-skipping');
  await seedTemplates(world.database.db, fixtureTemplateIds);
  await launchProgram(world.database.db, 'abandoned-cart', abandonedCart);
});
afterAll(() => world?.stop());

test(
  'two open carts run as two enrollments; an order for cart A ends only A, ' +
    'and B gets both reminders at +1h and +24h',
  async () => {
    const email = 'ana@example.com';
    const ana = await customer(world, email);
    const cartAt = await world.env.currentTimeMs();
    await send(world, email, 'cart_abandoned', 'cart-evt-A', { cartId: 'A' });
    await send(world, email, 'cart_abandoned', 'cart-evt-B', { cartId: 'B' });
    const enrollmentA = 'abandoned-cart/cart-evt-A';
    const enrollmentB = 'abandoned-cart/cart-evt-B';

    const both = await enrollments(world, ana, [enrollmentA, enrollmentB]);
    expect(Object.fromEntries(both.enrollments.map((e) => [e.id, e.entryKey]))).toEqual({
      [enrollmentA]: 'A',
      [enrollmentB]: 'B',
    });
    expect(both.enrollments.every((e) => e.stepId === 'wait-1h')).toBe(true);

    await world.env.sleep('30m');
    await send(world, email, 'order_placed', 'order-evt-A', { cartId: 'A', orderId: 'o-1' });
    const goal = await stepRecord(world, ana, { enrollmentId: enrollmentA, kind: 'goal' });
    expect(goal.outcome).toBe('converted');
    expect(goal.detail).toMatchObject({ eventId: 'order-evt-A', attributed: true });
    const exitA = await stepRecord(world, ana, { enrollmentId: enrollmentA, kind: 'exit' });
    expect(exitA.outcome).toBe('goal');
    expect(exitA.stepId).toBe('wait-1h');
    const onlyB = await enrollments(world, ana, [enrollmentB]);
    expect(onlyB.enrollments[0]?.stepId).toBe('wait-1h');

    await world.env.sleep('1h');
    await settledMessages(world, ana, 1, { enrollmentId: enrollmentB });
    await world.env.sleep('23h');
    await settledMessages(world, ana, 2, { enrollmentId: enrollmentB });
    await stepRecord(world, ana, { enrollmentId: enrollmentB, kind: 'exit', outcome: 'exit_step' });
    await world.env.sleep('7d'); // long past when A's reminders would have been due

    const messagesB = await messagesOf(world, ana, { enrollmentId: enrollmentB });
    expect(messagesB.map((m) => [m.key, m.templateId, m.status])).toEqual([
      [`${enrollmentB}/send-reminder-1/1`, 'cart-reminder-1', 'sent'],
      [`${enrollmentB}/send-reminder-2/1`, 'cart-reminder-2', 'sent'],
    ]);
    const [offset1, offset2] = messagesB.map((m) => m.scheduledAt.getTime() - cartAt);
    expect(offset1).toBeGreaterThanOrEqual(HOUR);
    expect(offset1).toBeLessThan(HOUR + SLACK);
    expect(offset2).toBeGreaterThanOrEqual(DAY);
    expect(offset2).toBeLessThan(DAY + SLACK);

    expect(await messagesOf(world, ana, { enrollmentId: enrollmentA })).toEqual([]);
    expect(await messagesOf(world, ana)).toHaveLength(2);
    expect(await stepsOf(world, ana, { enrollmentId: enrollmentA, kind: 'send' })).toEqual([]);

    const inbox = inboxOf(world, email);
    expect(inbox.map((m) => [m.subject, m.customArgs.message_key])).toEqual([
      ['cart-reminder-1 for ana', `${enrollmentB}/send-reminder-1/1`],
      ['cart-reminder-2 for ana', `${enrollmentB}/send-reminder-2/1`],
    ]);
    expect((await world.api.deps.customers.journeyState(ana)).enrollments).toEqual([]);
  },
);
