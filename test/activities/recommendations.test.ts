// recommendProducts on a real PostgreSQL: what it excludes, what raises a product's rank, and where
// its seeds come from, both on the precomputed candidates and before the first refresh.
import { createRecommendationActivities } from '../../activities/recommendation-activities';
import { refreshCoPurchases } from '../../src/recommendations/co-purchases';
import type { CustomerEvent } from '../../src/core/state';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let database: TestDatabase;
let day = 0;

beforeAll(async () => {
  database = await createTestDatabase();
});
beforeEach(async () => {
  await database.db
    .$executeRaw`TRUNCATE order_lines, products, customers, product_co_purchases, product_shortlists CASCADE`;
});
afterAll(() => database?.drop());

interface Item {
  id: string;
  category: string;
  collection?: string;
  pairsWith?: string[];
  stock?: number;
  targetStock?: number;
}

async function catalogue(items: Item[]): Promise<void> {
  await database.db.product.createMany({
    data: items.map(({ id, category, collection, pairsWith, stock = 10, targetStock = 10 }) => ({
      id,
      name: id,
      category,
      stock,
      targetStock,
      price: 10,
      attributes: { ...(collection && { collection }), ...(pairsWith && { pairsWith }) },
    })),
  });
}

/** One order per call, each a day after the last. */
async function bought(customerId: string, productIds: string[]): Promise<void> {
  const { db } = database;
  await db.customer.upsert({ where: { id: customerId }, create: { id: customerId }, update: {} });
  const orderedAt = new Date(Date.UTC(2026, 0, 1) + ++day * 86_400_000);
  await db.orderLine.createMany({
    data: productIds.map((productId) => ({ orderId: `order-${day}`, productId, customerId, orderedAt })),
  });
}

const purchaseOf = (...productIds: string[]): CustomerEvent => ({
  id: `purchase-${productIds.join('-')}`,
  type: 'purchase',
  occurredAt: '2026-02-01T10:00:00Z',
  properties: { items: productIds.map((productId) => ({ productId })) },
});
const siteVisit: CustomerEvent = {
  id: 'visit-1',
  type: 'site_visit',
  occurredAt: '2026-02-01T10:00:00Z',
  properties: { page: '/' },
};

async function recommend(customerId: string, entryEvent: CustomerEvent, count = 10): Promise<string[]> {
  const recs = await createRecommendationActivities({ db: database.db }).recommendProducts({
    customerId,
    entryEvent,
    count,
  });
  return recs.map((r) => r.productId);
}

const dress: Item = { id: 'dress', category: 'dress', collection: 'summer', pairsWith: ['shoes', 'bag'] };

describe.each([
  ['on the precomputed candidates', true],
  ['before the first refresh', false],
])('%s', (_, refreshed) => {
  const prepare = async () => (refreshed ? void (await refreshCoPurchases(database.db)) : undefined);

  test('excludes what the customer owns, what is out of stock and the purchase itself', async () => {
    await catalogue([
      dress,
      { id: 'sandals', category: 'shoes' },
      { id: 'boots', category: 'shoes', stock: 0 },
      { id: 'heels', category: 'shoes' },
    ]);
    await bought('ana', ['heels']);
    await bought('ana', ['dress']);
    await prepare();
    expect(await recommend('ana', purchaseOf('dress'))).toEqual(['sandals']);
  });

  test('the fit term brings what pairs with the purchase or shares its collection, and nothing unrelated', async () => {
    await catalogue([
      dress,
      { id: 'sandals', category: 'shoes', collection: 'beach' },
      { id: 'straw-bag', category: 'bag' },
      { id: 'sun-hat', category: 'hat', collection: 'summer' },
      { id: 'winter-coat', category: 'coat', collection: 'winter' },
    ]);
    await bought('ana', ['dress']);
    await prepare();
    expect((await recommend('ana', purchaseOf('dress'))).sort()).toEqual(['sandals', 'straw-bag', 'sun-hat']);
  });

  test('overstock raises a product above an otherwise equal one, and alone qualifies it', async () => {
    await catalogue([
      dress,
      { id: 'sandals', category: 'shoes' },
      { id: 'espadrilles', category: 'shoes', stock: 30, targetStock: 10 },
      { id: 'umbrella', category: 'umbrella', stock: 30, targetStock: 10 },
    ]);
    await bought('ana', ['dress']);
    await prepare();
    expect(await recommend('ana', purchaseOf('dress'))).toEqual(['espadrilles', 'sandals', 'umbrella']);
  });

  test('without items in the event, the last order seeds the recommendations', async () => {
    await catalogue([
      dress,
      { id: 'sandals', category: 'shoes' },
      { id: 'coat', category: 'coat', pairsWith: ['gloves'] },
      { id: 'mittens', category: 'gloves' },
    ]);
    await bought('ana', ['coat']);
    await bought('ana', ['dress']);
    await prepare();
    expect(await recommend('ana', siteVisit)).toEqual(['sandals']);
  });

  test('nothing qualifies: an empty list', async () => {
    await catalogue([dress, { id: 'sandals', category: 'shoes', stock: 0 }, { id: 'coat', category: 'coat' }]);
    await bought('ana', ['dress']);
    await prepare();
    expect(await recommend('ana', purchaseOf('dress'))).toEqual([]);
    expect(await recommend('bob', siteVisit)).toEqual([]);
  });
});

test('co-purchase: what other buyers of the item also bought ranks first, by how many bought it', async () => {
  await catalogue([
    dress,
    { id: 'scarf', category: 'scarf' },
    { id: 'hat', category: 'hat' },
    { id: 'sandals', category: 'shoes' },
    { id: 'watch', category: 'watch' },
  ]);
  for (const customer of ['b1', 'b2', 'b3']) await bought(customer, ['dress', 'scarf']);
  await bought('b4', ['dress']);
  await bought('b4', ['hat']);
  await bought('b5', ['watch']);
  await refreshCoPurchases(database.db);
  // scarf: 3 of 3 co-buyers (1.0); sandals: fit only (0.5); hat: 1 of 3 (0.33); watch: no signal.
  const recs = await createRecommendationActivities({ db: database.db }).recommendProducts({
    customerId: 'ana',
    entryEvent: purchaseOf('dress'),
    count: 10,
  });
  expect(recs.map((r) => [r.productId, r.score])).toEqual([
    ['scarf', 1],
    ['sandals', 0.5],
    ['hat', 0.3333],
  ]);
  expect(recs[0]).toMatchObject({ name: 'scarf', price: 10 });
});

test('stock is read live: a product sold out since the refresh is not recommended', async () => {
  await catalogue([dress, { id: 'sandals', category: 'shoes' }, { id: 'espadrilles', category: 'shoes' }]);
  await bought('b1', ['dress', 'sandals']);
  await refreshCoPurchases(database.db);
  await database.db.product.update({ where: { id: 'sandals' }, data: { stock: 0 } });
  expect(await recommend('ana', purchaseOf('dress'))).toEqual(['espadrilles']);
});

test('count limits the list; concurrent refreshes wait for each other', async () => {
  await catalogue([dress, ...['a', 'b', 'c', 'd'].map((s) => ({ id: `shoes-${s}`, category: 'shoes' }))]);
  await bought('b1', ['dress', 'shoes-c']);
  const [first, second] = await Promise.all([refreshCoPurchases(database.db), refreshCoPurchases(database.db)]);
  expect(second).toEqual(first);
  expect(await recommend('ana', purchaseOf('dress'), 2)).toEqual(['shoes-c', 'shoes-a']);
});
