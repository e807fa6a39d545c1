// loadProfileScope on a real PostgreSQL, and the scope a send reads in its one statement: both
// equal what the Prisma read they replaced returned (kept here as the reference: the profile, and
// the three traits it aggregated from order lines, now read from customer_traits), for a customer
// with everything, one with nothing, and one that does not exist.
import { systemClock } from '../../src/clock';
import { createMessageRows } from '../../src/messaging/message-rows';
import { loadProfileScope } from '../../src/customers/profile-scope';
import type { ProfileScope, SendMessageInput } from '../../src/core/calls';
import type { Db } from '../../src/db/prisma';
import { refreshCustomerTraits } from '../../src/traits/refresh-traits';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  await db.product.createMany({
    data: [
      { id: 'dress', name: 'Dress', price: 89.9, category: 'clothing' },
      { id: 'belt', name: 'Belt', category: 'accessories' },
    ],
  });
  await db.customer.create({
    data: {
      id: 'simona',
      traits: {
        firstName: 'Simona',
        email: 'old@example.com',
        address: { city: 'Ljubljana' },
        vip: true,
        country: 'SI',
        id: 'not-this',
        tags: 'nor-this',
      },
      tags: ['vip', 'summer'],
      timezone: 'Europe/Ljubljana',
      identifiers: {
        create: [
          { kind: 'email', value: 'simona@example.com' },
          { kind: 'loyaltyId', value: 'L-1' },
        ],
      },
    },
  });
  await db.customer.create({
    data: {
      id: 'other',
      identifiers: {
        create: [
          { kind: 'email', value: 'second@example.com' },
          { kind: 'anonymousId', value: 'anon-1' },
        ],
      },
    },
  });
  // A merge moves identifiers: simona now has two emails, the moved one written last.
  await db.customerIdentifier.updateMany({ where: { customerId: 'other' }, data: { customerId: 'simona' } });
  await db.orderLine.createMany({
    data: [
      {
        orderId: 'o-1',
        productId: 'dress',
        customerId: 'simona',
        quantity: 2,
        price: 89.9,
        orderedAt: new Date('2026-01-05T09:30:00.250Z'),
      },
      {
        orderId: 'o-1',
        productId: 'belt',
        customerId: 'simona',
        quantity: 1,
        price: null,
        orderedAt: new Date('2026-01-05T09:30:00.250Z'),
      },
      {
        orderId: 'o-2',
        productId: 'belt',
        customerId: 'simona',
        quantity: 3,
        price: 12.5,
        orderedAt: new Date('2026-02-11T23:59:59.999Z'),
      },
    ],
  });
  await db.customer.create({ data: { id: 'bare' } });
  // What the write paths do after writing lines (order lines here are inserted directly).
  await refreshCustomerTraits(db, ['simona', 'bare']);
  // In one segment now, and out of another she was in (src/segments/): profile.segments lists the first.
  await db.segment.createMany({ data: ['vip-buyers', 'lapsed'].map((id) => ({ id, name: id, draft: {} })) });
  await db.segmentMembership.createMany({
    data: [
      { segmentId: 'vip-buyers', customerId: 'simona', spell: 1, version: 1, enteredAt: new Date() },
      { segmentId: 'lapsed', customerId: 'simona', spell: 1, version: 1, enteredAt: new Date(), leftAt: new Date() },
    ],
  });
});
afterAll(() => database?.drop());

/** The read loadProfileScope made through Prisma before it became one statement. */
async function prismaScope(db: Db, customerId: string): Promise<ProfileScope> {
  const [customer, orders] = await Promise.all([
    db.customer.findUnique({ where: { id: customerId }, include: { identifiers: true } }),
    db.$queryRaw<{ order_count: bigint; total_spent: string | null; last_at: Date | null }[]>`
      SELECT count(DISTINCT order_id) AS order_count, sum(price * quantity)::text AS total_spent,
             max(ordered_at) AS last_at
      FROM order_lines WHERE customer_id = ${customerId}`,
  ]);
  const identifiers = Object.fromEntries((customer?.identifiers ?? []).map((i) => [i.kind, i.value]));
  const agg = orders[0];
  return {
    profile: {
      ...((customer?.traits ?? {}) as Record<string, unknown>),
      ...identifiers,
      id: customerId,
      tags: customer?.tags ?? [],
      timezone: customer?.timezone ?? null,
      segments: (await db.segmentMembership.findMany({ where: { customerId, leftAt: null } })).map((m) => m.segmentId),
    },
    traits: {
      orderCount: Number(agg?.order_count ?? 0),
      totalSpent: agg?.total_spent ? Number(agg.total_spent) : 0,
      lastPurchaseAt: agg?.last_at?.toISOString() ?? null,
    },
  };
}

async function sendScope(customerId: string): Promise<ProfileScope> {
  const input: SendMessageInput = {
    key: `scope-${customerId}`,
    customerId,
    enrollmentId: 'e',
    programId: 'p',
    version: 1,
    variant: null,
    stepId: 's',
    channel: 'email',
    templateId: 't',
    entryEvent: { id: 'ev', type: 'x', occurredAt: '2026-01-01T00:00:00Z', properties: {} },
    recommendations: [],
    scheduledAt: 0,
  };
  return (await createMessageRows(database.db, systemClock).writeOrRead(input)).scope;
}

test.each(['simona', 'bare', 'ghost'])(
  '%s: the same scope as the Prisma read, from loadProfileScope and from a send',
  async (customerId) => {
    const expected = await prismaScope(database.db, customerId);
    for (const scope of [await loadProfileScope(database.db, customerId), await sendScope(customerId)]) {
      expect(scope.profile).toStrictEqual(expected.profile);
      expect(scope.traits).toMatchObject(expected.traits);
    }
    expect(await sendScope(customerId)).toStrictEqual(await loadProfileScope(database.db, customerId));
  },
);

test('what the scope holds', async () => {
  expect(await loadProfileScope(database.db, 'simona')).toStrictEqual({
    profile: {
      firstName: 'Simona',
      address: { city: 'Ljubljana' },
      vip: true,
      country: 'SI',
      email: 'second@example.com',
      loyaltyId: 'L-1',
      anonymousId: 'anon-1',
      id: 'simona',
      tags: ['vip', 'summer'],
      timezone: 'Europe/Ljubljana',
      segments: ['vip-buyers'],
    },
    traits: {
      orderCount: 2,
      totalSpent: 217.3,
      averageOrderValue: 108.65,
      firstPurchaseAt: '2026-01-05T09:30:00.250Z',
      lastPurchaseAt: '2026-02-11T23:59:59.999Z',
      daysSinceLastPurchase: daysSince('2026-02-11T23:59:59.999Z'),
      // 37 days, 14 h 29 min 59.749 s between the two orders.
      purchaseCadenceDays: 37.6,
      favouriteCategory: 'accessories',
      value12m:
        (withinAYear('2026-01-05T09:30:00.250Z') ? 179.8 : 0) + (withinAYear('2026-02-11T23:59:59.999Z') ? 37.5 : 0),
      opens30d: 0,
      clicks30d: 0,
      rfm: { recency: null, frequency: null, monetary: null },
      country: 'SI',
      region: null,
    },
  });
  expect(await loadProfileScope(database.db, 'bare')).toStrictEqual({
    profile: { id: 'bare', tags: [], timezone: null, segments: [] },
    traits: {
      orderCount: 0,
      totalSpent: 0,
      averageOrderValue: null,
      firstPurchaseAt: null,
      lastPurchaseAt: null,
      daysSinceLastPurchase: null,
      purchaseCadenceDays: null,
      favouriteCategory: null,
      value12m: 0,
      opens30d: 0,
      clicks30d: 0,
      rfm: { recency: null, frequency: null, monetary: null },
      country: null,
      region: null,
    },
  });
});

/** Ordered in the last 12 months: the test's fixed dates leave the window as time passes. */
function withinAYear(iso: string): boolean {
  const cutoff = new Date();
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - 1);
  return Date.parse(iso) > cutoff.getTime();
}

/** Whole days from `iso` to now; the test does not run across a midnight of that instant's clock. */
function daysSince(iso: string): number {
  return Math.floor((Date.now() - Date.parse(iso)) / 86_400_000);
}
