// Recommendations as activities: the scheduled rebuild of the precomputed candidates, and a
// journey's `recommend` step (src/recommendations/recommend.ts).
import type { Recommendation } from '../src/core/state';
import { refreshCoPurchases, type RefreshResult } from '../src/recommendations/co-purchases';
import { recommendProducts, type RecommendRequest } from '../src/recommendations/recommend';
import type { ActivityDeps } from './deps';

export function createRecommendationActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    /** The scheduled rebuild of the precomputed candidates (workflows/maintenance). */
    async refreshRecommendations(): Promise<RefreshResult> {
      return refreshCoPurchases(db);
    },

    async recommendProducts(input: RecommendRequest): Promise<Recommendation[]> {
      return recommendProducts(db, input);
    },
  };
}
