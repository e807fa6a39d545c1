// Broadcasts on a real dev server, PostgreSQL and the SendGrid sink, under a cap of one email a
// day: each member of the segment gets the email exactly once; consent, suppressions and the cap
// skip members with their reason, as in any journey; a scheduled broadcast waits for its time;
// bad requests are refused by field before anything is written.
import { digestEmail } from '../../src/messaging/suppressions';
import { launchProgram, sendsAtOnce } from '../helpers/seed';
import { NO_CONTACT_POLICY } from '../helpers/worker';
import { eventually } from '../helpers/world';
import { names, postEvents } from '../integration/admin';
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
  w = await startBroadcastWorld({ ...NO_CONTACT_POLICY, caps: [{ channel: 'email', max: 1, within: '24h' }] });
}, 90_000);
afterAll(() => w?.stop());

const messagesOf = (programId: string) =>
  w.world.database.db.message.findMany({ where: { programId }, orderBy: { customerId: 'asc' } });

test('a broadcast to a segment of 25 emails each member exactly once, in pages, and its progress says so', async () => {
  const people = names('all', 25);
  const ids = await seedSegment(w.world, 'everyone', people);
  const id = await broadcastTo(w.http, 'everyone');

  const done = await broadcastReaches(w.http, id, 'completed');
  expect(inboxCounts(w.world, people)).toEqual(Object.fromEntries(people.map((n) => [n, 1])));
  const messages = await messagesOf(done.programId);
  expect(messages.map((m) => [m.customerId, m.status])).toEqual(ids.sort().map((c) => [c, 'sent']));
  expect(done.progress).toEqual({
    targeted: 25,
    enqueued: 25,
    resent: 0,
    delivered: 25,
    entered: 25,
    finished: 25,
    unreached: 0,
    messages: { sent: 25 },
    reasons: [],
  });
  expect(done.startedAt).not.toBeNull();
  expect(done.finishedAt).not.toBeNull();
  // Nobody is left in its program: filed away, its entry no candidate for another broadcast's events.
  // (The row completes first, then the program moves through stopped to archived.)
  await eventually(
    async () => (await w.http.request('GET', `/v1/programs/${done.programId}`)).body.status === 'archived',
    30_000,
    'the broadcast program archived',
  );
  const audit = await w.world.database.db.auditEntry.findMany({ where: { resource: `broadcast:${id}` } });
  expect(audit.map((a) => a.action).sort()).toEqual(['broadcast.complete', 'broadcast.create']);
  const listed = (await w.http.request('GET', '/v1/broadcasts')).body;
  expect(listed.map((b: { id: string }) => b.id)).toContain(id);
});

test('members who left the group or are suppressed are skipped with the reason; one at the cap by it', async () => {
  const people = ['fine', 'unsubscribed', 'bounced', 'capped'];
  const [fine, unsubscribed, bounced, capped] = await seedSegment(w.world, 'mixed', people);
  const { db } = w.world.database;
  await db.subscription.create({ data: { customerId: unsubscribed!, group: 'marketing', subscribed: false } });
  await db.suppression.create({ data: { emailDigest: digestEmail('bounced@example.com'), kind: 'bounced' } });
  // Today's one email: a welcome from a journey, which the broadcast's cap counts.
  await launchProgram(db, 'welcome', sendsAtOnce('welcome', 'signup', {}, 'news'));
  await postEvents(w.http, [{ type: 'signup', customer: { email: 'capped@example.com' } }]);
  await eventually(
    async () => (await db.message.count({ where: { programId: 'welcome', status: 'sent' } })) === 1,
    45_000,
    'the welcome email',
  );

  const done = await broadcastReaches(w.http, await broadcastTo(w.http, 'mixed'), 'completed');
  const outcomes = Object.fromEntries(
    (await messagesOf(done.programId)).map((m) => [m.customerId, [m.status, m.reason]]),
  );
  expect(outcomes).toEqual({
    [fine!]: ['sent', null],
    [unsubscribed!]: ['skipped', 'unsubscribed: marketing'],
    [bounced!]: ['skipped', 'suppressed: bounced'],
    [capped!]: ['skipped', 'cap (1 per 24h)'],
  });
  expect(inboxCounts(w.world, people)).toEqual({ fine: 1, unsubscribed: 0, bounced: 0, capped: 1 });
  expect(done.progress.messages).toEqual({ sent: 1, skipped: 3 });
  expect(done.progress.reasons).toEqual([
    { status: 'skipped', reason: 'cap (1 per 24h)', count: 1 },
    { status: 'skipped', reason: 'suppressed: bounced', count: 1 },
    { status: 'skipped', reason: 'unsubscribed: marketing', count: 1 },
  ]);
});

test('a scheduled broadcast waits for its send time: nothing is snapshotted or sent before it', async () => {
  const people = names('later', 5);
  await seedSegment(w.world, 'later', people);
  const sendAt = new Date(Date.now() + 5000);
  const id = await broadcastTo(w.http, 'later', { sendAt: sendAt.toISOString() });

  const waiting = (await w.http.request('GET', `/v1/broadcasts/${id}`)).body;
  expect(waiting).toMatchObject({ status: 'scheduled', startedAt: null, sendAt: sendAt.toISOString() });
  expect(waiting.progress).toMatchObject({ targeted: null, enqueued: 0 });

  const done = await broadcastReaches(w.http, id, 'completed');
  expect(new Date(done.startedAt).getTime()).toBeGreaterThanOrEqual(sendAt.getTime());
  const messages = await messagesOf(done.programId);
  expect(messages).toHaveLength(5);
  for (const m of messages) expect(m.createdAt.getTime()).toBeGreaterThanOrEqual(sendAt.getTime());
  expect(inboxCounts(w.world, people)).toEqual(Object.fromEntries(people.map((n) => [n, 1])));
});

test('a broadcast naming no segment, no template or a past time is refused by field; nothing is written', async () => {
  const { db } = w.world.database;
  const [broadcasts, programs] = [await db.broadcast.count(), await db.program.count()];
  const res = await w.http.request('POST', '/v1/broadcasts', {
    json: { name: 'Nowhere', segmentId: 'no-such', templateId: 'no-such', sendAt: '2020-01-01T00:00:00Z' },
  });
  expect(res.status).toBe(422);
  expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['$.segmentId', '$.templateId', '$.sendAt']);
  const shapeless = await w.http.request('POST', '/v1/broadcasts', { json: { segmentId: 'everyone', channel: 'sms' } });
  expect(shapeless.status).toBe(400);
  expect(shapeless.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
    '$.channel',
    '$.name',
    '$.templateId',
  ]);
  expect([await db.broadcast.count(), await db.program.count()]).toEqual([broadcasts, programs]);
  expect((await w.http.request('GET', '/v1/broadcasts/bc_nothing')).status).toBe(404);
});
