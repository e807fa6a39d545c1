// The schedule's refresh on a real PostgreSQL: RFM quintiles equal a TypeScript ntile over random
// buyers (ties split by customer id, bytewise), only changed rows are written, and a second run
// writes nothing; the windows' pass refreshes exactly the customers whose windowed values moved.
import fc from 'fast-check';
import { refreshRfmScores } from '../../src/traits/refresh-rfm';
import { refreshCustomerTraits } from '../../src/traits/refresh-traits';
import { refreshTraitWindows } from '../../src/traits/refresh-windows';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

interface Buyer {
  id: string;
  orderCount: number;
  totalSpent: number;
  lastDay: number | null;
  stale: [number | null, number | null, number | null];
}

const DAY = 86_400_000;
const BASE = Date.UTC(2026, 0, 1);

/** PostgreSQL's ntile(5): the first N mod 5 buckets hold one row more. */
function ntile5(count: number): number[] {
  const per = Math.floor(count / 5);
  const larger = count % 5;
  return Array.from({ length: count }, (_, i) =>
    i < larger * (per + 1) ? Math.floor(i / (per + 1)) + 1 : larger + Math.floor((i - larger * (per + 1)) / per) + 1,
  );
}

/** Each buyer's [recency, frequency, monetary]; non-buyers null. */
function modelScores(rows: Buyer[]): Map<string, (number | null)[]> {
  const buyers = rows.filter((r) => r.orderCount > 0);
  const byId = (a: Buyer, b: Buyer) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const rank = (key: (b: Buyer) => number) => {
    const sorted = [...buyers].sort((a, b) => key(a) - key(b) || byId(a, b));
    const tiles = ntile5(sorted.length);
    return new Map(sorted.map((b, i) => [b.id, tiles[i]!]));
  };
  const recency = rank((b) => b.lastDay!);
  const frequency = rank((b) => b.orderCount);
  const monetary = rank((b) => b.totalSpent);
  return new Map(
    rows.map((r) => [
      r.id,
      r.orderCount > 0 ? [recency.get(r.id)!, frequency.get(r.id)!, monetary.get(r.id)!] : [null, null, null],
    ]),
  );
}

async function store(rows: Buyer[]): Promise<void> {
  const { db } = database;
  await db.$executeRawUnsafe('TRUNCATE customers, customer_traits CASCADE');
  await db.customer.createMany({ data: rows.map((r) => ({ id: r.id })) });
  await db.customerTraits.createMany({
    data: rows.map((r) => ({
      customerId: r.id,
      orderCount: r.orderCount,
      totalSpent: r.totalSpent,
      lastPurchaseAt: r.lastDay === null ? null : new Date(BASE + r.lastDay * DAY),
      rfmRecency: r.stale[0],
      rfmFrequency: r.stale[1],
      rfmMonetary: r.stale[2],
    })),
  });
}

async function storedScores(): Promise<Map<string, (number | null)[]>> {
  const rows = await database.db.customerTraits.findMany();
  return new Map(rows.map((r) => [r.customerId, [r.rfmRecency, r.rfmFrequency, r.rfmMonetary]]));
}

const score = fc.option(fc.integer({ min: 1, max: 5 }), { freq: 3 });
// Few distinct values, so ties are common; ids of mixed case and punctuation, to hold the order bytewise.
const buyers = fc.uniqueArray(
  fc
    .record({
      id: fc.stringMatching(/^[a-cA-C_.-]{1,4}$/),
      orderCount: fc.integer({ min: 0, max: 4 }),
      cents: fc.integer({ min: 0, max: 30 }),
      day: fc.integer({ min: 0, max: 9 }),
      stale: fc.tuple(score, score, score),
    })
    .map((r): Buyer => ({
      id: r.id,
      orderCount: r.orderCount,
      totalSpent: r.orderCount ? r.cents * 5 : 0,
      lastDay: r.orderCount ? r.day : null,
      stale: r.stale,
    })),
  { selector: (r) => r.id, maxLength: 40 },
);

test('RFM scores are a model’s ntile quintiles; only changed rows are written; a rerun writes nothing', async () => {
  await fc.assert(
    fc.asyncProperty(buyers, async (rows) => {
      await store(rows);
      const expected = modelScores(rows);
      const changed = rows.filter((r) => JSON.stringify(r.stale) !== JSON.stringify(expected.get(r.id))).length;
      expect(await refreshRfmScores(database.db)).toBe(changed);
      expect(await storedScores()).toEqual(expected);
      expect(await refreshRfmScores(database.db)).toBe(0);
    }),
    { numRuns: 60 },
  );
});

test('RFM over more rows than one page of writes', async () => {
  const rows: Buyer[] = Array.from({ length: 4500 }, (_, i) => ({
    id: `c${String(i).padStart(5, '0')}`,
    orderCount: i % 7,
    totalSpent: (i * 37) % 1000,
    lastDay: (i * 13) % 400,
    stale: [null, null, null],
  }));
  await store(rows);
  const expected = modelScores(rows);
  expect(await refreshRfmScores(database.db)).toBe(rows.filter((r) => r.orderCount > 0).length);
  expect(await storedScores()).toEqual(expected);
});

test('the windows’ pass refreshes exactly the customers whose windowed values moved', async () => {
  const { db } = database;
  await db.$executeRawUnsafe('TRUNCATE customers, customer_traits, order_lines, events CASCADE');
  await db.product.upsert({ where: { id: 'ring' }, create: { id: 'ring', name: 'Ring' }, update: {} });
  await db.customer.createMany({ data: ['aged', 'opened', 'steady'].map((id) => ({ id })) });
  const ago = (days: number) => new Date(Date.now() - days * DAY);
  await db.orderLine.createMany({
    data: [
      { orderId: 'o1', productId: 'ring', customerId: 'aged', price: 10, orderedAt: ago(500) },
      { orderId: 'o2', productId: 'ring', customerId: 'aged', price: 4, orderedAt: ago(3) },
      { orderId: 'o3', productId: 'ring', customerId: 'steady', price: 7, orderedAt: ago(3) },
    ],
  });
  await db.event.createMany({
    data: [
      { id: 'e1', customerId: 'opened', type: 'email_opened', occurredAt: ago(45) },
      { id: 'e2', customerId: 'opened', type: 'email_clicked', occurredAt: ago(2) },
    ],
  });
  await refreshCustomerTraits(db, ['aged', 'opened', 'steady']);
  // As the rows stood before the old line and the old open left their windows.
  await db.customerTraits.update({ where: { customerId: 'aged' }, data: { value12m: 14 } });
  await db.customerTraits.update({ where: { customerId: 'opened' }, data: { opens30d: 1 } });
  const steadyBefore = await db.customerTraits.findUniqueOrThrow({ where: { customerId: 'steady' } });

  expect(await refreshTraitWindows(db)).toBe(2);
  const rows = await db.customerTraits.findMany({ orderBy: { customerId: 'asc' } });
  expect(rows.map((r) => [r.customerId, r.value12m.toString(), r.opens30d, r.clicks30d])).toEqual([
    ['aged', '4', 0, 0],
    ['opened', '0', 0, 1],
    ['steady', '7', 0, 0],
  ]);
  expect(rows[2]!.updatedAt).toEqual(steadyBefore.updatedAt);
  expect(await refreshTraitWindows(db)).toBe(0);
});
