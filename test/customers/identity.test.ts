// Identity on PostgreSQL: the first sighting of a customer in several requests at once (their
// events split across concurrent batches) makes one customer, not one per request.
import { createIdentity } from '../../src/customers/identity';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let database: TestDatabase;
const identity = () => createIdentity(database.db, { mergeInto: async () => undefined });

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

test('concurrent first sightings of one email resolve to one customer and leave no orphan', async () => {
  for (let round = 0; round < 5; round++) {
    const email = `race-${round}@example.com`;
    const ids = await Promise.all(
      Array.from({ length: 8 }, () => identity().resolve({ email, anonymousId: `anon-${round}` })),
    );
    expect(new Set(ids).size).toBe(1);
    const identifiers = await database.db.customerIdentifier.findMany({ where: { customerId: ids[0] } });
    expect(identifiers.map((i) => i.kind).sort()).toEqual(['anonymousId', 'email']);
  }
  const customers = await database.db.customer.count();
  expect(customers).toBe(5);
});
