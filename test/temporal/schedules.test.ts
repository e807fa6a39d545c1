// Scheduled work on a real dev server: the hourly recommendation rebuild is a Temporal Schedule,
// ensured idempotently by each API process, and a run it starts rebuilds the candidate tables;
// the segment recompute's interval follows its setting.
import { RECOMMENDATIONS_SCHEDULE_ID, SEGMENTS_SCHEDULE_ID } from '../../src/temporal/addressing';
import { ensureSchedules } from '../../src/temporal/schedules';
import { TEST_TASK_QUEUE, testLogger } from '../helpers/worker';
import { eventually, startWorld, type World } from '../helpers/world';

let world: World;

beforeAll(async () => {
  world = await startWorld('dev-server');
}, 90_000);
afterAll(() => world?.stop());

test(
  'the rebuild is scheduled hourly once, ' +
    'however many API processes ensure it, and its run fills the candidate tables',
  async () => {
    const { db } = world.database;
    await db.product.createMany({
      data: ['dress', 'belt', 'scarf'].map((id) => ({
        id,
        name: id,
        category: 'apparel',
        stock: 10,
        targetStock: 10,
        price: 10,
        attributes: {},
      })),
    });
    for (const customerId of ['c1', 'c2']) {
      await db.customer.create({ data: { id: customerId } });
      await db.orderLine.createMany({
        data: ['dress', 'belt'].map((productId) => ({
          orderId: `order-${customerId}`,
          productId,
          customerId,
          orderedAt: new Date('2026-11-01T10:00:00Z'),
        })),
      });
    }

    await Promise.all(
      [1, 2, 3].map(() => ensureSchedules(world.env.client, TEST_TASK_QUEUE, { segmentsEvery: '5m' }, testLogger)),
    );
    const schedule = world.env.client.schedule.getHandle(RECOMMENDATIONS_SCHEDULE_ID);
    const description = await schedule.describe();
    expect(description.spec.intervals?.map((i) => i.every)).toEqual([3_600_000]);
    expect(description.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'refreshRecommendationsWorkflow',
      taskQueue: TEST_TASK_QUEUE,
    });

    await schedule.trigger();
    const run = await eventually(
      async () => (await schedule.describe()).info.recentActions[0]?.action.workflow,
      30_000,
      'a run started',
    );
    const result = await world.env.client.workflow.getHandle(run.workflowId, run.firstExecutionRunId).result();
    expect(result.pairs).toBeGreaterThan(0);
    const pairs = await db.productCoPurchase.findMany({ where: { productId: 'dress' }, select: { otherId: true } });
    expect(pairs.map((p) => p.otherId)).toEqual(['belt']);
  },
);

test('the segment recompute takes the configured interval, also when its schedule exists already', async () => {
  const intervals = async () =>
    (await world.env.client.schedule.getHandle(SEGMENTS_SCHEDULE_ID).describe()).spec.intervals?.map((i) => i.every);
  await ensureSchedules(world.env.client, TEST_TASK_QUEUE, { segmentsEvery: '5m' }, testLogger);
  expect(await intervals()).toEqual([300_000]);
  await ensureSchedules(world.env.client, TEST_TASK_QUEUE, { segmentsEvery: '2h' }, testLogger);
  expect(await intervals()).toEqual([7_200_000]);
  // The others keep theirs.
  const recommendations = await world.env.client.schedule.getHandle(RECOMMENDATIONS_SCHEDULE_ID).describe();
  expect(recommendations.spec.intervals?.map((i) => i.every)).toEqual([3_600_000]);
});
