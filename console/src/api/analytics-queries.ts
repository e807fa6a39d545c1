// Server state for the analytics page: each audience analysis for the query its controls give.
import { ROUTES } from '../../../src/contracts/routes';
import type { Answer } from './client';
import { useRoute } from './queries';

export type Funnel = Answer<typeof ROUTES.audience.funnel>;
export type Cohorts = Answer<typeof ROUTES.audience.cohorts>;
export type Trends = Answer<typeof ROUTES.audience.trends>;

/**
 * Refreshed as a dashboard is, more slowly than the live counts: each read is an analysis, and one
 * that ran beside another's rollup refresh may have answered from the rollups before it.
 */
const live = 10_000;

type Query = Record<string, string | undefined>;
export const useFunnel = (query: Query, enabled: boolean) =>
  useRoute(ROUTES.audience.funnel, {}, { query, enabled, live });
export const useCohorts = (query: Query) => useRoute(ROUTES.audience.cohorts, {}, { query, live });
export const useTrends = (query: Query) => useRoute(ROUTES.audience.trends, {}, { query, live });
export const useGeography = (query: Query) => useRoute(ROUTES.audience.geography, {}, { query, live });
export const useRace = (query: Query) => useRoute(ROUTES.audience.race, {}, { query, live });
