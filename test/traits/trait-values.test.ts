// The computed traits as read: the same names segments may use, and the derived values computed
// from the stored row at the read (rounded as the segments' SQL rounds them).
import { SEGMENT_TRAITS } from '../../src/contracts/program-language/segment-schema';
import { traitValues, type TraitColumns } from '../../src/traits/trait-values';

const DAY = 86_400_000;
const row = (over: Partial<TraitColumns>): TraitColumns => ({
  trait_order_count: 3,
  trait_total_spent: '100.01',
  trait_first_at: new Date('2026-01-01T00:00:00Z'),
  trait_last_at: new Date('2026-01-11T12:00:00Z'),
  trait_favourite_category: 'jewellery',
  trait_value_12m: '40.5',
  trait_opens_30d: 2,
  trait_clicks_30d: 1,
  trait_rfm_recency: 5,
  trait_rfm_frequency: 3,
  trait_rfm_monetary: null,
  trait_country: 'SI',
  trait_region: null,
  trait_read_at: new Date(Date.parse('2026-01-11T12:00:00Z') + 9.9 * DAY),
  ...over,
});

test('every trait a segment may name is read, and no other', () => {
  const names = Object.entries(traitValues(undefined)).flatMap(([name, value]) =>
    name === 'rfm' ? Object.keys(value as object).map((part) => `rfm.${part}`) : [name],
  );
  expect(names.sort()).toEqual([...SEGMENT_TRAITS].sort());
});

test('derived values come from the row at the time of the read', () => {
  expect(traitValues(row({}))).toEqual({
    orderCount: 3,
    totalSpent: 100.01,
    // 10001 cents over 3 orders: 3333.67 cents, to the cent.
    averageOrderValue: 33.34,
    firstPurchaseAt: '2026-01-01T00:00:00.000Z',
    lastPurchaseAt: '2026-01-11T12:00:00.000Z',
    daysSinceLastPurchase: 9,
    // 10.5 days over 2 gaps.
    purchaseCadenceDays: 5.3,
    favouriteCategory: 'jewellery',
    value12m: 40.5,
    opens30d: 2,
    clicks30d: 1,
    rfm: { recency: 5, frequency: 3, monetary: null },
    country: 'SI',
    region: null,
  });
});

test('a tie rounds up in whole cents, as PostgreSQL rounds numeric', () => {
  // 1.005 is 1.00499999… as a float; in cents it is 201 / 2 = 100.5, rounded to 101.
  expect(traitValues(row({ trait_order_count: 2, trait_total_spent: '2.01' })).averageOrderValue).toBe(1.01);
});

test('one order has no cadence; no row is a customer with nothing yet', () => {
  expect(traitValues(row({ trait_order_count: 1 })).purchaseCadenceDays).toBeNull();
  expect(traitValues(undefined)).toMatchObject({ orderCount: 0, averageOrderValue: null, daysSinceLastPurchase: null });
});
