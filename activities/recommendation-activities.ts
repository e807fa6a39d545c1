// Product recommendations for a customer, seeded by the triggering purchase's items, else by their
// last order. The ranking (co-purchase affinity, fit, overstock; owned and out-of-stock excluded)
// lives in src/recommendations/rank-products.ts and reads candidates that refreshCoPurchases
// precomputes (after imports, and hourly on a Temporal Schedule). The trade-off is staleness: purchases, new or
// restocked products and new overstock count only after the next refresh. Ownership and stock are
// read live. Before the first refresh the whole catalogue is ranked live, with no co-purchase term.
import type { CustomerEvent, Recommendation } from '../src/core/state';
import { refreshCoPurchases, type RefreshResult } from '../src/recommendations/co-purchases';
import { rankProducts } from '../src/recommendations/rank-products';
import type { ActivityDeps } from './deps';

export { SCORE_WEIGHTS } from '../src/recommendations/scoring';

export function createRecommendationActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    /** The scheduled rebuild of the precomputed candidates (workflows/maintenance). */
    async refreshRecommendations(): Promise<RefreshResult> {
      return refreshCoPurchases(db);
    },

    async recommendProducts(input: {
      customerId: string;
      entryEvent: CustomerEvent;
      count: number;
    }): Promise<Recommendation[]> {
      return rankProducts(db, {
        customerId: input.customerId,
        seedIds: seedProducts(input.entryEvent),
        count: input.count,
      });
    },
  };
}

/** Product ids of a purchase event: `properties.items[].productId` or `properties.productId`; none: use the last order. */
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
