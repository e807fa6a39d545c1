// refreshCustomerTraits on a real PostgreSQL: a customer's row equals what their order lines,
// engagement events and profile say, is written only when that changes, and goes with a merge;
// an erase leaves the lines' totals to the anonymous customer that keeps them.
import { eraseCustomer } from '../../src/customers/erase';
import { refreshCustomerTraits } from '../../src/traits/refresh-traits';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let database: TestDatabase;
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  await db.product.createMany({
    data: [
      { id: 'dress', name: 'Dress', category: 'clothing' },
      { id: 'ring', name: 'Ring', category: 'jewellery' },
      { id: 'card', name: 'Gift card' },
    ],
  });
  await db.customer.createMany({
    data: [
      { id: 'ana', traits: { country: 'SI', region: 'Gorenjska' } },
      { id: 'bor', traits: { country: 7 } },
      { id: 'cene', mergedInto: 'ana' },
    ],
  });
  await db.orderLine.createMany({
    data: [
      { orderId: 'o1', productId: 'dress', customerId: 'ana', quantity: 1, price: 10, orderedAt: daysAgo(400) },
      { orderId: 'o2', productId: 'ring', customerId: 'ana', quantity: 2, price: 5.5, orderedAt: daysAgo(3) },
      { orderId: 'o2', productId: 'card', customerId: 'ana', quantity: 1, price: null, orderedAt: daysAgo(3) },
    ],
  });
  await db.event.createMany({
    data: [
      { id: 'e1', customerId: 'ana', type: 'email_opened', occurredAt: daysAgo(1) },
      { id: 'e2', customerId: 'ana', type: 'email_opened', occurredAt: daysAgo(40) },
      { id: 'e3', customerId: 'ana', type: 'email_clicked', occurredAt: daysAgo(2) },
    ],
  });
  await db.customerTraits.create({ data: { customerId: 'cene', orderCount: 3 } });
});

afterAll(() => database.drop());

test('a row equals what the customer’s lines, events and profile say', async () => {
  await refreshCustomerTraits(database.db, ['ana', 'bor', 'cene', 'nobody']);
  const rows = await database.db.customerTraits.findMany({ orderBy: { customerId: 'asc' } });
  expect(rows.map((r) => r.customerId)).toEqual(['ana', 'bor']);
  const [ana, bor] = rows;
  expect({
    orderCount: ana!.orderCount,
    totalSpent: ana!.totalSpent.toString(),
    value12m: ana!.value12m.toString(),
    favouriteCategory: ana!.favouriteCategory,
    opens30d: ana!.opens30d,
    clicks30d: ana!.clicks30d,
    country: ana!.country,
    region: ana!.region,
    rfm: ana!.rfmRecency,
  }).toEqual({
    orderCount: 2,
    totalSpent: '21',
    value12m: '11',
    favouriteCategory: 'jewellery',
    opens30d: 1,
    clicks30d: 1,
    country: 'SI',
    region: 'Gorenjska',
    rfm: null,
  });
  expect(bor).toMatchObject({ orderCount: 0, firstPurchaseAt: null, country: null, favouriteCategory: null });
});

test('a refresh that finds nothing changed writes nothing', async () => {
  const before = await database.db.customerTraits.findUniqueOrThrow({ where: { customerId: 'ana' } });
  await refreshCustomerTraits(database.db, ['ana']);
  const after = await database.db.customerTraits.findUniqueOrThrow({ where: { customerId: 'ana' } });
  expect(after.updatedAt).toEqual(before.updatedAt);
});

test('an erase leaves the lines’ totals to the anonymous customer and no row of the erased', async () => {
  const { db } = database;
  await db.customer.create({ data: { id: 'dana', traits: { country: 'AT' } } });
  await db.orderLine.create({
    data: { orderId: 'o9', productId: 'ring', customerId: 'dana', quantity: 3, price: 2, orderedAt: daysAgo(5) },
  });
  await refreshCustomerTraits(db, ['dana']);
  const terminated: string[] = [];
  const { anonymousId } = await eraseCustomer(
    db,
    { terminate: async (id: string) => void terminated.push(id) },
    'dana',
    'test',
  );
  expect(terminated).toEqual(['dana']);
  expect(await db.customerTraits.findUnique({ where: { customerId: 'dana' } })).toBeNull();
  const anonymous = await db.customerTraits.findUniqueOrThrow({ where: { customerId: anonymousId } });
  expect([
    anonymous.orderCount,
    anonymous.totalSpent.toString(),
    anonymous.favouriteCategory,
    anonymous.country,
  ]).toEqual([1, '6', 'jewellery', null]);
});
