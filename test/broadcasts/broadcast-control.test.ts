// Steering a broadcast while it runs, on a real dev server: paused, it stops sending (the outbox
// holds its events, the program holds its customers) and resumed it finishes, each member emailed
// once, those whose event reached the paused program included; cancelled, it ends for good; a
// worker restarted mid-broadcast duplicates nothing.
import { createSendGridSender } from '../../src/messaging/sendgrid-sender';
import { createTestWorker } from '../helpers/worker';
import { eventually } from '../helpers/world';
import { names } from '../integration/admin';
import {
  broadcastReaches,
  broadcastTo,
  inboxCounts,
  seedSegment,
  startBroadcastWorld,
  type BroadcastWorld,
} from './broadcast-world';

let w: BroadcastWorld;

beforeAll(async () => {
  w = await startBroadcastWorld();
}, 90_000);
afterAll(() => w?.stop());

const sentTo = (people: string[]) => Object.values(inboxCounts(w.world, people)).reduce((a, b) => a + b, 0);
const once = (people: string[]) => Object.fromEntries(people.map((n) => [n, 1]));
const atLeast = (people: string[], n: number, what: string) =>
  eventually(async () => sentTo(people) >= n, 60_000, what);

/** The number of emails once it has stopped changing for a while (sends in flight have landed). */
async function settled(people: string[]): Promise<number> {
  let last = -1;
  return eventually(
    async () => {
      const now = sentTo(people);
      const still = now === last;
      last = now;
      if (!still) await new Promise((r) => setTimeout(r, 1500));
      return still ? now : undefined;
    },
    60_000,
    'the sends to settle',
  );
}

test('paused, a broadcast sends no more; resumed, it finishes with each member emailed exactly once', async () => {
  const people = names('paused', 60);
  await seedSegment(w.world, 'pausing', people);
  const id = await broadcastTo(w.http, 'pausing');
  await atLeast(people, 10, 'the first emails');

  const paused = await w.http.request('POST', `/v1/broadcasts/${id}/pause`);
  expect(paused.body.status).toBe('paused');
  expect((await w.http.request('GET', `/v1/programs/${paused.body.programId}`)).body.status).toBe('paused');
  const before = await settled(people);
  expect(before).toBeLessThan(60);
  await new Promise((r) => setTimeout(r, 2000));
  expect(sentTo(people)).toBe(before);
  expect((await w.http.request('POST', `/v1/broadcasts/${id}/pause`)).status).toBe(409);

  expect((await w.http.request('POST', `/v1/broadcasts/${id}/resume`)).body.status).toBe('running');
  const done = await broadcastReaches(w.http, id, 'completed');
  expect(inboxCounts(w.world, people)).toEqual(once(people));
  expect(done.progress).toMatchObject({
    targeted: 60,
    enqueued: 60,
    entered: 60,
    finished: 60,
    messages: { sent: 60 },
  });
  const messages = await w.world.database.db.message.findMany({ where: { programId: done.programId } });
  expect(new Set(messages.map((m) => m.customerId)).size).toBe(60);
  const audit = await w.world.database.db.auditEntry.findMany({ where: { resource: `broadcast:${id}` } });
  expect(audit.map((a) => a.action).sort()).toEqual([
    'broadcast.complete',
    'broadcast.create',
    'broadcast.pause',
    'broadcast.resume',
  ]);
});

test('cancelled before its send time, a broadcast sends nothing and its run ends', async () => {
  const people = names('never', 5);
  await seedSegment(w.world, 'never', people);
  const id = await broadcastTo(w.http, 'never', { sendAt: new Date(Date.now() + 60 * 60_000).toISOString() });
  const cancelled = await w.http.request('POST', `/v1/broadcasts/${id}/cancel`);
  expect(cancelled.body).toMatchObject({ status: 'cancelled', startedAt: null });
  const run = w.world.env.client.workflow.getHandle(`kairos:broadcast:${id}`);
  expect(await run.result()).toEqual({ status: 'cancelled' });
  expect((await w.http.request('GET', `/v1/programs/${cancelled.body.programId}`)).body.status).toBe('stopped');
  expect(sentTo(people)).toBe(0);
  expect((await w.http.request('POST', `/v1/broadcasts/${id}/resume`)).status).toBe(409);
});

test('cancelled mid-run, a broadcast withdraws what it has not delivered and sends no more', async () => {
  const people = names('cut', 100);
  await seedSegment(w.world, 'cut', people);
  const id = await broadcastTo(w.http, 'cut');
  await atLeast(people, 5, 'the first emails');
  expect((await w.http.request('POST', `/v1/broadcasts/${id}/cancel`)).body.status).toBe('cancelled');
  const sent = await settled(people);
  expect(sent).toBeLessThan(100);
  for (const count of Object.values(inboxCounts(w.world, people))) expect(count).toBeLessThanOrEqual(1);
  const undelivered = await w.world.database.db.event.count({
    where: { type: 'broadcast_requested', deliveredAt: null, customerId: { startsWith: 'c-cut' } },
  });
  expect(undelivered).toBe(0);
  expect(await w.world.env.client.workflow.getHandle(`kairos:broadcast:${id}`).result()).toEqual({
    status: 'cancelled',
  });
});

test('a worker restarted mid-broadcast leaves each member exactly one email', async () => {
  const people = names('restart', 40);
  await seedSegment(w.world, 'restart', people);
  const id = await broadcastTo(w.http, 'restart');
  await atLeast(people, 5, 'the first emails');

  w.world.worker.shutdown();
  const email = createSendGridSender({ apiKey: 'SG.test-key', baseUrl: w.world.sink.url });
  const replacement = await createTestWorker(w.world.env, { db: w.world.database.db, email });
  const running = replacement.run();
  try {
    const done = await broadcastReaches(w.http, id, 'completed');
    expect(inboxCounts(w.world, people)).toEqual(once(people));
    const messages = await w.world.database.db.message.findMany({ where: { programId: done.programId } });
    expect(messages).toHaveLength(40);
    expect(new Set(messages.map((m) => m.customerId)).size).toBe(40);
  } finally {
    replacement.shutdown();
    await running;
  }
});
