// Server state for the segment and broadcast pages, live like the program pages: segments, their
// sizes and personas, broadcasts and their progress.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ROUTES } from '../../../src/contracts/routes';
import { call, type Answer } from './client';
import { useRoute } from './queries';
import { useSession } from './session';

export type BroadcastDetail = Answer<typeof ROUTES.broadcasts.get>;
export type Persona = Answer<typeof ROUTES.personas.persona>;

// Less often than other live views: each read counts every segment's members.
export const useSegments = () => useRoute(ROUTES.segments.list, {}, { live: 10_000 });
export const useSegment = (id: string) => useRoute(ROUTES.segments.get, { id }, { live: true });
/** A customer's spells in segments, current first: read with the customer's page, as its profile is. */
export const useCustomerSegments = (id: string) => useRoute(ROUTES.segments.customerSpells, { id });
/**
 * An analysis of every member and customer: read again when the segment's size changes (its key
 * holds it), and otherwise refreshed as a dashboard is, not as a live count.
 */
export function usePersona(id: string, members: number) {
  const { key } = useSession();
  return useQuery({
    queryKey: [ROUTES.personas.persona.path, id, members],
    queryFn: () => call(key, ROUTES.personas.persona, { id }),
    refetchInterval: 30_000,
    placeholderData: keepPreviousData,
  });
}

export const useBroadcasts = () => useRoute(ROUTES.broadcasts.list, {}, { live: true });
export const useBroadcast = (id: string) => useRoute(ROUTES.broadcasts.get, { id }, { live: true });
