// The per-event ingestion path on a real database: a repeated event id writes nothing (not even the
// customer its reference would have made), and delivered marks are written together, late but
// surely: by the window, by a relay round, or by the flush on shutdown.
import pino from 'pino';
import { createIdentity } from '../../src/customers/identity';
import { createIngestion, type Ingestion } from '../../src/ingestion/ingestion';
import type { CustomerWorkflows } from '../../src/customers/customer-workflows';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { eventually } from '../helpers/world';

let database: TestDatabase;
let ingestion: Ingestion;
const signalled: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  const customers = {
    deliver: async (_customerId: string, event: { id: string }) => void signalled.push(event.id),
  } as unknown as CustomerWorkflows;
  ingestion = createIngestion({
    db,
    identity: createIdentity(db, customers),
    customers,
    logger: pino({ level: 'silent' }),
    referenced: { references: () => true, enters: () => true },
  });
});
afterAll(async () => {
  await ingestion?.flush();
  await database?.drop();
});

const signup = (eventId: string, email: string) => ({ eventId, type: 'signup', customer: { email }, properties: {} });

test(
  'an event id seen before answers with its first ' + 'customer and writes nothing, not even a new customer',
  async () => {
    const { db } = database;
    const first = await ingestion.ingest(signup('dup-1', 'ana@example.com'));
    expect(first).toMatchObject({ duplicate: false, delivered: true });
    const customersBefore = await db.customer.count();

    // Same id, another person: the customer this reference would create is rolled back with the event.
    const again = await ingestion.ingest(signup('dup-1', 'someone-new@example.com'));
    expect(again).toMatchObject({ eventId: 'dup-1', customerId: first.customerId, duplicate: true });
    expect(await db.customer.count()).toBe(customersBefore);
    expect(await db.customerIdentifier.count({ where: { value: 'someone-new@example.com' } })).toBe(0);
    expect(await db.event.count({ where: { id: 'dup-1' } })).toBe(1);
    expect(signalled.filter((id) => id === 'dup-1')).toHaveLength(1);
  },
);

test('delivered marks reach the rows without a flush, each once', async () => {
  const { db } = database;
  await Promise.all(['mark-1', 'mark-2', 'mark-3'].map((id, i) => ingestion.ingest(signup(id, `m${i}@example.com`))));
  const rows = await eventually(
    async () => {
      const r = await db.event.findMany({ where: { id: { startsWith: 'mark-' } }, orderBy: { id: 'asc' } });
      return r.every((e) => e.deliveredAt !== null) && r;
    },
    10_000,
    'the delivered marks',
  );
  expect(rows.map((r) => [r.id, r.attempts])).toEqual([
    ['mark-1', 1],
    ['mark-2', 1],
    ['mark-3', 1],
  ]);
});

test('a flush writes the pending marks at once', async () => {
  const { db } = database;
  await ingestion.ingest(signup('flushed-1', 'f@example.com'));
  await ingestion.flush();
  const row = await db.event.findUniqueOrThrow({ where: { id: 'flushed-1' } });
  expect(row.deliveredAt).not.toBeNull();
  expect(row.attempts).toBe(1);
});
