// The bench's 20 segments: every form of the language, over the bench's event types, traits and
// profiles (bench/measures/segments.ts seeds them).
import type { JsonObject } from '../../src/contracts/schema-parts';

type Definition = { name: string; condition: JsonObject };

const count = (type: string, within: string, bound: JsonObject, where?: JsonObject): JsonObject => ({
  events: { type, within, count: bound, ...(where ? { where } : {}) },
});
const category = (value: string): JsonObject => ({ field: 'event.properties.category', op: 'eq', value });

export const BENCH_SEGMENTS: [string, Definition][] = [
  ['repeat-30d', { name: 'Purchased twice in 30 days', condition: count('purchase', '30d', { gte: 2 }) }],
  ['bought-7d', { name: 'Purchased in 7 days', condition: count('purchase', '7d', { gte: 1 }) }],
  ['no-purchase-60d', { name: 'No purchase event for 60 days', condition: count('purchase', '60d', { eq: 0 }) }],
  [
    'dresses-7d',
    { name: 'Viewed dresses in 7 days', condition: count('product_view', '7d', { gte: 1 }, category('dresses')) },
  ],
  [
    'browse-abandon',
    {
      name: 'Viewed dresses and did not buy within 7 days',
      condition: {
        sequence: {
          did: { type: 'product_view', where: category('dresses') },
          notFollowedBy: { type: 'purchase' },
          within: '7d',
          lookback: '14d',
        },
      },
    },
  ],
  [
    'cart-abandon',
    {
      name: 'Cart without purchase in 3 days',
      condition: { all: [count('cart_add', '3d', { gte: 1 }), count('purchase', '3d', { eq: 0 })] },
    },
  ],
  [
    'lapsed-60d',
    {
      name: 'Last purchase 60 days ago or more',
      condition: { field: 'traits.daysSinceLastPurchase', op: 'gte', value: 60 },
    },
  ],
  ['five-orders', { name: 'Five orders', condition: { field: 'traits.orderCount', op: 'gte', value: 5 } }],
  ['big-spenders', { name: 'Spent 500', condition: { field: 'traits.totalSpent', op: 'gte', value: 500 } }],
  ['fr-de', { name: 'France and Germany', condition: { field: 'traits.country', op: 'in', value: ['FR', 'DE'] } }],
  ['gold', { name: 'Gold tier', condition: { field: 'profile.tier', op: 'eq', value: 'gold' } }],
  ['vip', { name: 'Tagged vip', condition: { field: 'profile.tags', op: 'contains', value: 'vip' } }],
  ['openers', { name: 'Opened three emails in 30 days', condition: count('email_opened', '30d', { gte: 3 }) }],
  ['clickers', { name: 'Clicked in 30 days', condition: count('email_clicked', '30d', { gte: 1 }) }],
  [
    'loyal',
    {
      name: 'Three purchases in 90 days or spent 1000',
      condition: {
        any: [count('purchase', '90d', { gte: 3 }), { field: 'traits.totalSpent', op: 'gte', value: 1000 }],
      },
    },
  ],
  [
    'fr-buyers',
    {
      name: 'French buyers this month',
      condition: { all: [{ field: 'traits.country', op: 'eq', value: 'FR' }, count('purchase', '30d', { gte: 1 })] },
    },
  ],
  ['heavy-browsers', { name: 'Twenty page views in 30 days', condition: count('page_view', '30d', { gte: 20 }) }],
  ['unengaged', { name: 'No email opened in 90 days', condition: { not: count('email_opened', '90d', { gte: 1 }) } }],
  [
    'shoe-buyers',
    { name: 'Bought shoes this year', condition: count('purchase', '365d', { gte: 1 }, category('shoes')) },
  ],
  ['valuable', { name: 'Worth 200 in 12 months', condition: { field: 'traits.value12m', op: 'gte', value: 200 } }],
];
