// Server state for the segment and broadcast pages, live like the program pages: segments, their
// sizes and personas, broadcasts and their progress.
import { useQueries } from '@tanstack/react-query';
import { ROUTES } from '../../../src/contracts/routes';
import { call, type Answer } from './client';
import { LIVE_MS, useRoute } from './queries';
import { useSession } from './session';

export type BroadcastDetail = Answer<typeof ROUTES.broadcasts.get>;
export type Persona = Answer<typeof ROUTES.personas.persona>;

export const useSegments = () => useRoute(ROUTES.segments.list, {}, { live: true });
export const useSegment = (id: string) => useRoute(ROUTES.segments.get, { id }, { live: true });
export const usePersona = (id: string) => useRoute(ROUTES.personas.persona, { id }, { live: true });

/** Each segment's detail (its members now), for the list: the list route gives no sizes. */
export function useSegmentSizes(ids: readonly string[]) {
  const { key } = useSession();
  return useQueries({
    queries: ids.map((id) => ({
      // useRoute's key for the same route, so the segment page and the list share one cache entry.
      queryKey: [ROUTES.segments.get.path, { id }, undefined],
      queryFn: () => call(key, ROUTES.segments.get, { id }),
      refetchInterval: LIVE_MS,
    })),
    combine: (results) => new Map(results.flatMap((r) => (r.data ? [[r.data.id, r.data.members] as const] : []))),
  });
}

export const useBroadcasts = () => useRoute(ROUTES.broadcasts.list, {}, { live: true });
export const useBroadcast = (id: string) => useRoute(ROUTES.broadcasts.get, { id }, { live: true });
