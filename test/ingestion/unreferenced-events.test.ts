// Events no program version in use references, on a real database: stored with the customer
// identity's answer and never signalled, whether a batch stores them together, `ingest` stores
// one, or the relay finds one pending. The workflow side is test/integration/unreferenced-events.
import pino from 'pino';
import { createIdentity } from '../../src/customers/identity';
import { createIngestion, type Ingestion } from '../../src/ingestion/ingestion';
import { createRelay } from '../../src/ingestion/relay';
import { storeUnreferencedBatch } from '../../src/ingestion/unreferenced-batch';
import type { EventInput } from '../../src/contracts/requests/event-schema';
import type { CustomerWorkflows } from '../../src/customers/customer-workflows';
import { admin, createTestDatabase, type TestDatabase } from '../helpers/database';

let database: TestDatabase;
let ingestion: Ingestion;
/** What would have been signalled: `customerId eventId`. */
const signalled: string[] = [];
const REFERENCED = new Set(['signup']);
const referenced = { references: (type: string) => REFERENCED.has(type), enters: () => true };

beforeAll(async () => {
  database = await createTestDatabase();
  // Timestamps must not depend on the session's zone (Prisma writes UTC): a server not in UTC.
  await admin(
    database.url,
    `ALTER DATABASE ${new URL(database.url).pathname.slice(1)} SET timezone = 'Asia/Kathmandu'`,
  );
  const { db } = database;
  // ana holds an email and a loyalty card; old-ana was merged into her; bo has no identifier.
  // dee holds a card and web-dee an anonymous id (a card and a web id are weaker than an email).
  await db.customer.createMany({
    data: [{ id: 'ana' }, { id: 'old-ana', mergedInto: 'ana' }, { id: 'bo' }, { id: 'dee' }, { id: 'web-dee' }],
  });
  await db.customerIdentifier.createMany({
    data: [
      { kind: 'email', value: 'ana@example.com', customerId: 'ana' },
      { kind: 'loyaltyId', value: 'L-1', customerId: 'ana' },
      { kind: 'loyaltyId', value: 'L-2', customerId: 'dee' },
      { kind: 'anonymousId', value: 'web-2', customerId: 'web-dee' },
    ],
  });
  await db.event.create({
    data: { id: 'seen-1', customerId: 'bo', type: 'signup', occurredAt: new Date(), deliveredAt: new Date() },
  });
  const customers = {
    deliver: async (customerId: string, event: { id: string }) => void signalled.push(`${customerId} ${event.id}`),
  } as unknown as CustomerWorkflows;
  const logger = pino({ level: 'silent' });
  ingestion = createIngestion({ db, identity: createIdentity(db, customers), customers, logger, referenced });
});
afterAll(async () => {
  await ingestion?.flush();
  await database?.drop();
});

const view = (eventId: string, customer: EventInput['customer'], extra: Partial<EventInput> = {}): EventInput => ({
  eventId,
  type: 'page_view',
  customer,
  properties: { path: `/${eventId}` },
  ...extra,
});

test(
  'a batch stores the events of known customers in one go, ' + 'as identity would resolve them, and leaves the rest',
  async () => {
    const at = '2026-03-01T10:15:30.123+01:00';
    const items: EventInput[] = [
      view('b-0', { email: 'ana@example.com' }),
      view('b-1', { id: 'old-ana' }), // merged: the survivor
      view('b-2', { id: 'bo' }, { timestamp: at }),
      view('b-3', { email: 'new@example.com' }), // a new customer
      view('b-4', { email: 'ana@example.com', anonymousId: 'web-new' }), // an identifier to attach
      view('b-5', { id: 'nobody' }), // an id to create
      // order lines
      view('b-6', { email: 'ana@example.com' }, { type: 'purchase', properties: { orderId: 'o-1', items: [] } }),
      view('seen-1', { id: 'bo' }), // stored before (a referenced event, signalled)
      view('twice', { loyaltyId: 'L-1', email: 'ana@example.com' }),
      view('twice', { loyaltyId: 'L-1' }),
      view('b-10', { email: 'ana@example.com', loyaltyId: 'L-2' }), // the strongest identifier wins
      view('b-11', { loyaltyId: 'L-2', anonymousId: 'web-2' }),
      view('b-12', { anonymousId: 'web-2' }),
      view('b-13', { id: 'bo', email: 'ana@example.com' }), // a given id wins
    ];
    const answered = await storeUnreferencedBatch(
      database.db,
      items.map((input, index) => ({ index, input })),
    );
    expect([...answered.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 7, 8, 9, 10, 11, 12, 13]);
    const fresh = { duplicate: false, delivered: true, unreferenced: true };
    expect(answered.get(0)).toEqual({ eventId: 'b-0', customerId: 'ana', ...fresh });
    expect(answered.get(1)).toEqual({ eventId: 'b-1', customerId: 'ana', ...fresh });
    expect(answered.get(2)).toEqual({ eventId: 'b-2', customerId: 'bo', ...fresh });
    expect(answered.get(7)).toEqual({ eventId: 'seen-1', customerId: 'bo', duplicate: true, delivered: true });
    expect(answered.get(8)).toEqual({ eventId: 'twice', customerId: 'ana', ...fresh });
    expect(answered.get(9)).toEqual({
      eventId: 'twice',
      customerId: 'ana',
      duplicate: true,
      delivered: true,
      unreferenced: true,
    });
    expect([10, 11, 12, 13].map((i) => answered.get(i)!.customerId)).toEqual(['ana', 'dee', 'web-dee', 'bo']);

    const rows = await database.db.event.findMany({
      where: { id: { in: ['b-0', 'b-1', 'b-2', 'twice', 'b-3', 'b-6'] } },
      orderBy: { id: 'asc' },
    });
    expect(
      rows.map((r) => [r.id, r.customerId, r.type, r.unreferenced, r.deliveredAt !== null, r.attempts, r.properties]),
    ).toEqual([
      ['b-0', 'ana', 'page_view', true, true, 0, { path: '/b-0' }],
      ['b-1', 'ana', 'page_view', true, true, 0, { path: '/b-1' }],
      ['b-2', 'bo', 'page_view', true, true, 0, { path: '/b-2' }],
      ['twice', 'ana', 'page_view', true, true, 0, { path: '/twice' }],
    ]);
    expect(rows.find((r) => r.id === 'b-2')!.occurredAt.toISOString()).toBe('2026-03-01T09:15:30.123Z');
    // Stored now, in UTC like every other timestamp Prisma writes.
    expect(Math.abs(rows.find((r) => r.id === 'b-0')!.occurredAt.getTime() - Date.now())).toBeLessThan(60_000);
    expect(Math.abs(rows.find((r) => r.id === 'b-0')!.deliveredAt!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(Math.abs(rows.find((r) => r.id === 'b-0')!.receivedAt.getTime() - Date.now())).toBeLessThan(60_000);
    expect(signalled).toEqual([]);
  },
);

test(
  'one at a time: an unreferenced event is stored unsignalled, ' + 'a new customer too; a referenced one is signalled',
  async () => {
    const newcomer = await ingestion.ingest(view('one-1', { email: 'cy@example.com' }));
    expect(newcomer).toEqual({
      eventId: 'one-1',
      customerId: expect.any(String),
      duplicate: false,
      delivered: true,
      unreferenced: true,
    });
    expect(
      await database.db.customerIdentifier.findUnique({
        where: { kind_value: { kind: 'email', value: 'cy@example.com' } },
      }),
    ).toMatchObject({ customerId: newcomer.customerId });
    expect(await ingestion.ingest(view('one-1', { email: 'cy@example.com' }))).toEqual({
      ...newcomer,
      duplicate: true,
    });
    const stored = await database.db.event.findUniqueOrThrow({ where: { id: 'one-1' } });
    expect([stored.unreferenced, Math.abs(stored.receivedAt.getTime() - Date.now()) < 60_000]).toEqual([true, true]);
    // A purchase no program uses still records its order lines (products must exist).
    await database.db.product.create({ data: { id: 'dress', name: 'Dress', stock: 1 } });
    await ingestion.ingest(
      view(
        'one-2',
        { email: 'cy@example.com' },
        { type: 'purchase', properties: { orderId: 'o-9', items: [{ productId: 'dress', price: 10 }] } },
      ),
    );
    expect(await database.db.orderLine.count({ where: { orderId: 'o-9', customerId: newcomer.customerId } })).toBe(1);
    expect(signalled).toEqual([]);

    const signup = await ingestion.ingest(view('one-3', { email: 'cy@example.com' }, { type: 'signup' }));
    expect(signup).toEqual({ eventId: 'one-3', customerId: newcomer.customerId, duplicate: false, delivered: true });
    expect(signalled).toEqual([`${newcomer.customerId} one-3`]);
    const row = await database.db.event.findUniqueOrThrow({ where: { id: 'one-3' } });
    expect(row.unreferenced).toBe(false);
  },
);

test('the relay marks a pending event nothing references any more as delivered, and signals the rest', async () => {
  const { db } = database;
  signalled.length = 0;
  const past = new Date(Date.now() - 1000);
  await db.event.createMany({
    data: [
      { id: 'pending-view', customerId: 'ana', type: 'page_view', occurredAt: past, nextAttemptAt: past },
      { id: 'pending-signup', customerId: 'ana', type: 'signup', occurredAt: past, nextAttemptAt: past },
    ],
  });
  const relay = createRelay({ db, ingestion, logger: pino({ level: 'silent' }), referenced });
  expect(await relay.deliverDue()).toBe(1);
  expect(signalled).toEqual(['ana pending-signup']);
  const rows = await db.event.findMany({
    where: { id: { in: ['pending-view', 'pending-signup'] } },
    orderBy: { id: 'asc' },
  });
  expect(rows.map((r) => [r.id, r.deliveredAt !== null, r.unreferenced, r.attempts])).toEqual([
    ['pending-signup', true, false, 1],
    ['pending-view', true, true, 0],
  ]);
  // Nothing is left for a later round: not pending, not retried.
  expect(await relay.deliverDue()).toBe(0);
  expect(signalled).toEqual(['ana pending-signup']);
});
