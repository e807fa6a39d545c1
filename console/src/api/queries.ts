// Server state for the pages, through TanStack Query: one hook per thing a page shows. Live views
// refetch on an interval, so counts move while the page is open.
import { useQuery } from '@tanstack/react-query';
import { ROUTES } from '../../../src/contracts/routes';
import type { ProgramDefinition } from '../../../src/contracts/program-language/types';
import { call, type Answer } from './client';
import { useSession } from './session';

/** How often live counts refresh. */
export const LIVE_MS = 2_000;

export type ProgramAnalytics = Answer<typeof ROUTES.programs.analytics>;
export type StepCounts = ProgramAnalytics['versions'][number]['steps'][string];

/** One route's answer as a query: the key is the route's path, its parameters and its query. */
export function useRoute<R extends Parameters<typeof call>[1]>(
  route: R,
  params: Record<string, string | number>,
  /** `live`: refetched every LIVE_MS, or every so many milliseconds. */
  options: { query?: Record<string, string | undefined>; live?: boolean | number; enabled?: boolean } = {},
) {
  const { key } = useSession();
  return useQuery({
    queryKey: [route.path, params, options.query],
    queryFn: () => call(key, route, params, undefined, options.query),
    refetchInterval: options.live === true ? LIVE_MS : (options.live ?? false),
    enabled: options.enabled ?? true,
  });
}

export const usePrograms = () => useRoute(ROUTES.programs.list, {}, { live: true });
export const useProgram = (id: string) => useRoute(ROUTES.programs.get, { id }, { live: true });
export const useAnalytics = (id: string) => useRoute(ROUTES.programs.analytics, { id }, { live: true });
export const useExperiments = (id: string) => useRoute(ROUTES.experiments.list, { id }, { live: true });
export const useRollouts = (id: string) => useRoute(ROUTES.rollouts.list, { id }, { live: true });

export function useVersion(id: string, version: number | undefined) {
  const query = useRoute(ROUTES.programs.version, { id, version: version ?? 0 }, { enabled: version !== undefined });
  // Stored definitions were validated at publish; the answer carries them as JSON.
  return { ...query, definition: query.data?.definition as ProgramDefinition | undefined };
}

export function useDiff(id: string, from: number | undefined, to: number | undefined) {
  return useRoute(
    ROUTES.programs.diff,
    { id },
    { query: { from: String(from), to: String(to) }, enabled: from !== undefined && to !== undefined && from !== to },
  );
}

export const useCustomer = (id: string) => useRoute(ROUTES.customers.get, { id });
// Not live: each read is a query to the customer's workflow (see README, Known issues).
export const useJourney = (id: string) => useRoute(ROUTES.customers.journey, { id });
export const useTrace = (id: string) => useRoute(ROUTES.customers.trace, { id });

export const useTemplates = () => useRoute(ROUTES.templates.list, {});
export const useTemplate = (id: string) => useRoute(ROUTES.templates.get, { id });
export const useTemplateVersions = (id: string) => useRoute(ROUTES.templates.versions, { id });
export const useAudit = (resource: string | undefined) =>
  useRoute(ROUTES.audit.list, {}, { query: { resource }, live: true });
export const useMessages = (filter: { programId?: string; status?: string }) =>
  useRoute(ROUTES.messages.list, {}, { query: filter, live: true });

export const useExperiment = (id: string) => useRoute(ROUTES.experiments.get, { id }, { live: true });
export const useExperimentResults = (id: string) => useRoute(ROUTES.experiments.results, { id }, { live: true });
export const useRollout = (id: string) => useRoute(ROUTES.rollouts.get, { id }, { live: true });
