// Product recommendations for a customer, seeded by the triggering purchase's items, else by their
// last order: what a journey's `recommend` step and a template preview show. The ranking
// (co-purchase affinity, fit, overstock; owned and out-of-stock excluded) is rank-products.ts; it
// reads candidates that refreshCoPurchases precomputes (after imports, and hourly on a Temporal
// Schedule). The trade-off is staleness: purchases, new or restocked products and new overstock
// count only after the next refresh. Ownership and stock are read live. Before the first refresh
// the whole catalogue is ranked live, with no co-purchase term.
import type { CustomerEvent, Recommendation } from '../core/state';
import type { Db } from '../db/prisma';
import { rankProducts } from './rank-products';

export interface RecommendRequest {
  customerId: string;
  entryEvent: CustomerEvent;
  count: number;
}

export function recommendProducts(db: Db, request: RecommendRequest): Promise<Recommendation[]> {
  const { customerId, entryEvent, count } = request;
  return rankProducts(db, { customerId, seedIds: seedProducts(entryEvent), count });
}

/** Product ids of a purchase event: `properties.items[].productId` or `properties.productId`. */
function seedProducts(event: CustomerEvent): string[] {
  const { items, productId } = event.properties as { items?: unknown; productId?: unknown };
  if (Array.isArray(items)) {
    const ids = items
      .map((i) => (i as { productId?: unknown } | null)?.productId)
      .filter((id): id is string => typeof id === 'string');
    if (ids.length) return ids;
  }
  return typeof productId === 'string' ? [productId] : [];
}
