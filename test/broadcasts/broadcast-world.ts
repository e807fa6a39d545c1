// A Kairos for the broadcast tests: the world of test/helpers/world.ts, plus an API composed with
// quick broadcast runs (small pages, short looks) served over HTTP with its outbox relay running,
// as every API process runs it. Segments are seeded as rows, the way the segment engine stores them.
import { composeApi, type ComposedApi } from '../../src/apps/api';
import type { ContactPolicyConfig } from '../../src/messaging/contact-policy-reads';
import { seedTemplates } from '../helpers/seed';
import { testApiConfig } from '../helpers/config';
import { eventually, startWorld, type World } from '../helpers/world';
import { listen, type ApiServer } from '../integration/http';

export interface BroadcastWorld {
  world: World;
  api: ComposedApi;
  http: ApiServer;
  stop(): Promise<void>;
}

export async function startBroadcastWorld(contactPolicy?: ContactPolicyConfig): Promise<BroadcastWorld> {
  const world = await startWorld('dev-server', { contactPolicy });
  const api = await composeApi(testApiConfig(), {
    db: world.database.db,
    client: world.env.client,
    checkResponses: true,
    broadcastTuning: { pageSize: 10, pollMs: 200, settleMs: 2000 },
  });
  const http = await listen(api.app);
  const relay = api.relay.start(100);
  await seedTemplates(world.database.db, ['news']);
  return {
    world,
    api,
    http,
    async stop() {
      await http.close();
      await relay.stop();
      await api.close();
      await world.stop();
    },
  };
}

/** Customers `<name>@example.com` (ids `c-<name>`), all members of segment `segmentId`. */
export async function seedSegment(world: World, segmentId: string, names: string[]): Promise<string[]> {
  const { db } = world.database;
  await db.segment.create({ data: { id: segmentId, name: segmentId, draft: {} } });
  for (const n of names)
    await db.customer.create({
      data: { id: `c-${n}`, identifiers: { create: { kind: 'email', value: `${n}@example.com` } } },
    });
  await db.segmentMembership.createMany({
    data: names.map((n) => ({ segmentId, customerId: `c-${n}`, spell: 1, version: 1, enteredAt: new Date() })),
  });
  return names.map((n) => `c-${n}`);
}

/** Creates a broadcast of the template `news` to the segment; returns its id. */
export async function broadcastTo(http: ApiServer, segmentId: string, extra: object = {}): Promise<string> {
  const res = await http.request('POST', '/v1/broadcasts', {
    json: { name: `To ${segmentId}`, segmentId, templateId: 'news', ...extra },
  });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${res.text}`);
  return res.body.id as string;
}

/** Waits until the broadcast has `status`; returns its answer. */
export async function broadcastReaches(http: ApiServer, id: string, status: string, timeoutMs = 90_000) {
  return eventually(
    async () => {
      const res = await http.request('GET', `/v1/broadcasts/${id}`);
      return res.body.status === status ? res.body : undefined;
    },
    timeoutMs,
    `broadcast ${id} to be ${status}`,
  );
}

/** Emails in the sink per recipient, for the names given. */
export const inboxCounts = (world: World, names: string[]) =>
  Object.fromEntries(names.map((n) => [n, world.sink.store.list({ to: `${n}@example.com` }).length]));
