// A broadcast's run against PostgreSQL alone, stepped by hand (the workflow only calls these
// steps): the snapshot is taken once; pages put each recipient's event into the outbox exactly
// once, however the steps are repeated or overlap; a pause holds the undelivered events back and a
// resume releases them and resends to the recipients whose event reached the paused program;
// a cancel withdraws what is undelivered; and pages wait while the program is behind.
import fc from 'fast-check';
import { createAdvanceBroadcast, type AdvanceInput } from '../../src/broadcasts/advance-broadcast';
import { createBroadcastService, type BroadcastService } from '../../src/broadcasts/broadcast-service';
import { createProgramService } from '../../src/programs/program-service';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { seedTemplates } from '../helpers/seed';

let database: TestDatabase;
let broadcasts: BroadcastService;
let advance: ReturnType<typeof createAdvanceBroadcast>;
const nudged: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  broadcasts = createBroadcastService({
    db,
    programs: createProgramService(db),
    runs: { start: async () => undefined, nudge: async (id) => void nudged.push(id) },
  });
  advance = createAdvanceBroadcast(db);
  await seedTemplates(db, ['news']);
});
afterAll(() => database?.drop());

let segments = 0;
/** A segment of `n` customers, plus one merged (into a customer outside it) whom the snapshot leaves out. */
async function segmentOf(n: number): Promise<{ segmentId: string; ids: string[] }> {
  const { db } = database;
  const segmentId = `seg-${++segments}`;
  const ids = Array.from({ length: n }, (_, i) => `${segmentId}-c${String(i).padStart(3, '0')}`);
  await db.segment.create({ data: { id: segmentId, name: segmentId, draft: {} } });
  await db.customer.createMany({
    data: [...ids, `${segmentId}-survivor`].map((id) => ({ id })),
  });
  await db.customer.create({ data: { id: `${segmentId}-merged`, mergedInto: `${segmentId}-survivor` } });
  await db.segmentMembership.createMany({
    data: [...ids, `${segmentId}-merged`].map((customerId) => ({
      segmentId,
      customerId,
      spell: 1,
      version: 1,
      enteredAt: new Date(),
    })),
  });
  return { segmentId, ids };
}

const step = (broadcastId: string, pageSize: number): AdvanceInput => ({
  broadcastId,
  due: true,
  pageSize,
  pollMs: 10,
  settleMs: 60_000,
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

const eventsOf = (broadcastId: string) =>
  database.db.event.findMany({
    where: { type: 'broadcast_requested', properties: { path: ['broadcast'], equals: broadcastId } },
    orderBy: { id: 'asc' },
  });

/** Sets the program's step counters: `n` recipients entered it and left it. */
const enteredAndLeft = (programId: string, n: number) =>
  database.db.$executeRaw`
    INSERT INTO journey_step_counts (program_id, version, variant, step_id, measure, n)
    VALUES (${programId}, 1, '', 'send', 'entered', ${n}), (${programId}, 1, '', 'done', 'exit:exit_step', ${n})
    ON CONFLICT (program_id, version, variant, step_id, measure) DO UPDATE SET n = excluded.n`;

/** Marks the undelivered events delivered, as the relay would. */
const deliverAll = (broadcastId: string) =>
  database.db.event.updateMany({
    where: { deliveredAt: null, properties: { path: ['broadcast'], equals: broadcastId } },
    data: { deliveredAt: new Date() },
  });

test('however its steps are repeated or overlap, each recipient gets one event, merged customers none', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 30 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 3 }),
      async (n, pageSize, overlap) => {
        const { segmentId, ids } = await segmentOf(n);
        const { id, programId } = await broadcasts.create(
          { name: 'p', segmentId, templateId: 'news', channel: 'email' },
          'test',
        );
        for (let round = 0; round < n + 2; round++) {
          // The relay and the worker keep up, so every step may enqueue; overlapping steps are a
          // retried activity.
          await Promise.all(Array.from({ length: overlap }, () => advance(step(id, pageSize))));
          await deliverAll(id);
          await enteredAndLeft(programId, (await eventsOf(id)).length);
        }
        const events = await eventsOf(id);
        expect(events.map((e) => e.customerId)).toEqual(ids);
        expect(events.map((e) => e.id)).toEqual(ids.map((c) => `broadcast:${id}:${c}`));
        const row = await database.db.broadcast.findUniqueOrThrow({ where: { id } });
        expect([row.targeted, row.enqueued, row.enqueuedAllAt !== null]).toEqual([n, n, true]);
      },
    ),
    { numRuns: 15 },
  );
});

test('paused, undelivered events wait; resumed, they are due, and those the paused program spent resent', async () => {
  const { db } = database;
  const { segmentId, ids } = await segmentOf(6);
  const { id, programId } = await broadcasts.create(
    { name: 'p', segmentId, templateId: 'news', channel: 'email' },
    'test',
  );
  await advance(step(id, 4)); // snapshot and the first page of 4
  // Two were delivered before the pause, and entered; two more reached the program once paused.
  const [first, second, third, fourth] = ids;
  await db.event.updateMany({ where: { customerId: { in: [first!, second!] } }, data: { deliveredAt: new Date() } });
  await db.journeyStep.createMany({
    data: [first!, second!].map((customerId) => ({
      id: `enter-${customerId}`,
      customerId,
      enrollmentId: `e-${customerId}`,
      programId,
      version: 1,
      stepId: 'send',
      kind: 'enter',
      outcome: 'entered',
      at: new Date(),
    })),
  });

  expect((await broadcasts.pause(id, 'test')).status).toBe('paused');
  expect(nudged).toContain(id);
  const held = await db.event.findMany({ where: { customerId: { in: [third!, fourth!] } } });
  expect(held.map((e) => e.nextAttemptAt.getUTCFullYear())).toEqual([9999, 9999]);
  await db.event.updateMany({ where: { customerId: { in: [third!, fourth!] } }, data: { deliveredAt: new Date() } });
  expect(await advance(step(id, 4))).toEqual({ done: false, waitMs: 60_000 });
  expect(await db.event.count({ where: { customerId: { in: ids.slice(4) } } })).toBe(0);

  expect((await broadcasts.resume(id, 'test')).status).toBe('running');
  await advance(step(id, 4));
  const resent = (await eventsOf(id)).filter((e) => e.id.includes(':resent-'));
  expect(resent.map((e) => e.customerId)).toEqual([third, fourth]);
  await deliverAll(id);
  await advance(step(id, 4)); // the last page
  const after = await broadcasts.get(id);
  expect(after.progress).toMatchObject({ targeted: 6, enqueued: 6, resent: 2, delivered: 4 });
  expect((await eventsOf(id)).filter((e) => e.id.includes(':resent-'))).toHaveLength(2);
});

test('cancelled, its undelivered events are withdrawn and its run is told to end', async () => {
  const { db } = database;
  const { segmentId, ids } = await segmentOf(5);
  const { id, programId } = await broadcasts.create(
    { name: 'c', segmentId, templateId: 'news', channel: 'email' },
    'test',
  );
  await advance(step(id, 10));
  await db.event.update({ where: { id: `broadcast:${id}:${ids[0]}` }, data: { deliveredAt: new Date() } });
  expect((await broadcasts.cancel(id, 'test')).status).toBe('cancelled');
  expect(nudged.filter((n) => n === id)).toHaveLength(1);
  expect((await eventsOf(id)).map((e) => e.customerId)).toEqual([ids[0]]);
  expect(await advance(step(id, 10))).toEqual({ done: true, status: 'cancelled' });
  expect((await db.program.findUniqueOrThrow({ where: { id: programId } })).status).toBe('stopped');
  await expect(broadcasts.pause(id, 'test')).rejects.toThrow('cannot pause a cancelled broadcast');
});

test('it completes without recipients who never entered only once entries have stopped for settleMs', async () => {
  const { db } = database;
  const { segmentId } = await segmentOf(3);
  const { id, programId } = await broadcasts.create(
    { name: 's', segmentId, templateId: 'news', channel: 'email' },
    'test',
  );
  const settle = (): AdvanceInput => ({ ...step(id, 10), settleMs: 300 });

  await advance(settle()); // the snapshot and the only page
  await deliverAll(id);
  await enteredAndLeft(programId, 1);
  expect((await advance(settle())).done).toBe(false);
  // Delivered long enough ago, but a second recipient has just entered: the worker is still at it.
  await pause(400);
  await enteredAndLeft(programId, 2);
  expect((await advance(settle())).done).toBe(false);
  await pause(400);
  expect(await advance(settle())).toEqual({ done: true, status: 'completed' });
  expect((await db.broadcast.findUniqueOrThrow({ where: { id } })).unreached).toBe(1);
});

test('no page goes in while two pages are delivered and not through the program, unless entries stop', async () => {
  const { segmentId } = await segmentOf(12);
  const { id, programId } = await broadcasts.create(
    { name: 'b', segmentId, templateId: 'news', channel: 'email' },
    'test',
  );
  // settleMs is long beside the steps between the pause below, even on a loaded machine.
  const input: AdvanceInput = { ...step(id, 2), settleMs: 2_000 };
  const enqueued = async () => (await eventsOf(id)).length;
  await advance(input); // the snapshot and the first page
  await deliverAll(id);
  await advance(input);
  await deliverAll(id);
  expect(await enqueued()).toBe(4);
  // Four delivered, none through the program: the worker is behind, so nothing more goes in.
  await advance(input);
  expect(await enqueued()).toBe(4);
  // One is through: room for a page.
  await enteredAndLeft(programId, 1);
  await advance(input);
  expect(await enqueued()).toBe(6);
  await deliverAll(id);
  await advance(input);
  expect(await enqueued()).toBe(6);
  // Entries have stopped for settleMs (recipients who will never enter hold the room): one page
  // goes in anyway, and the next waits for another settleMs.
  await pause(2_100);
  await advance(input);
  expect(await enqueued()).toBe(8);
  await deliverAll(id);
  await advance(input);
  expect(await enqueued()).toBe(8);
});
