// The condition language's evaluator, shared by branches, waits, goals and entry filters.
import { evaluate } from '../../src/core/conditions';

const scope = {
  profile: { tier: 'gold', tags: ['vip', 'newsletter'], city: 'Ljubljana' },
  traits: { orderCount: 3, totalSpent: 240.5, lastPurchaseAt: '2026-11-20T10:00:00.000Z' },
  event: { type: 'purchase', properties: { cartId: 'c-1', total: 89 } },
};

test.each([
  [{ field: 'profile.tier', op: 'eq', value: 'gold' }, true],
  [{ field: 'profile.tier', op: 'neq', value: 'gold' }, false],
  [{ field: 'traits.orderCount', op: 'gte', value: 3 }, true],
  [{ field: 'traits.orderCount', op: 'gt', value: 3 }, false],
  [{ field: 'traits.totalSpent', op: 'lt', value: 300 }, true],
  [{ field: 'traits.lastPurchaseAt', op: 'gte', value: '2026-11-01' }, true],
  [{ field: 'traits.orderCount', op: 'gt', value: '2' }, false],
  [{ field: 'profile.city', op: 'in', value: ['Maribor', 'Ljubljana'] }, true],
  [{ field: 'profile.tags', op: 'contains', value: 'vip' }, true],
  [{ field: 'profile.city', op: 'contains', value: 'ljana' }, true],
  [{ field: 'event.properties.cartId', op: 'exists' }, true],
  [{ field: 'event.properties.coupon', op: 'exists' }, false],
  [{ field: 'profile.missing.deeper', op: 'eq', value: null }, false],
] as const)('%j is %s', (condition, expected) => {
  expect(evaluate(condition as never, scope)).toBe(expected);
});

test('all, any and not combine', () => {
  const gold = { field: 'profile.tier', op: 'eq', value: 'gold' } as const;
  const bigCart = { field: 'event.properties.total', op: 'gt', value: 100 } as const;
  expect(evaluate({ all: [gold, bigCart] }, scope)).toBe(false);
  expect(evaluate({ any: [gold, bigCart] }, scope)).toBe(true);
  expect(evaluate({ not: bigCart }, scope)).toBe(true);
});
