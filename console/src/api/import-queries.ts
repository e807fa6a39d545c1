// Server state for the imports pages: polled while an import runs, quiet once every one has ended.
import { useQuery } from '@tanstack/react-query';
import { ROUTES } from '../../../src/contracts/routes';
import { call, type Answer } from './client';
import { LIVE_MS } from './queries';
import { useSession } from './session';

export type ImportReport = Answer<typeof ROUTES.imports.get>;

const ended = (status: ImportReport['status']) =>
  status === 'completed' || status === 'failed' || status === 'cancelled';

/** Imports, most recent first; polled while any of them is still queued or running. */
export function useImports() {
  const { key } = useSession();
  return useQuery({
    queryKey: [ROUTES.imports.list.path],
    queryFn: () => call(key, ROUTES.imports.list, {}, undefined, { limit: '50' }),
    refetchInterval: (q) => (q.state.data?.imports.every((i) => ended(i.status)) ? false : LIVE_MS),
  });
}

/** One import's report, polled until it has ended. */
export function useImport(id: string) {
  const { key } = useSession();
  return useQuery({
    queryKey: [ROUTES.imports.get.path, id],
    queryFn: () => call(key, ROUTES.imports.get, { id }),
    refetchInterval: (q) => (q.state.data && ended(q.state.data.status) ? false : LIVE_MS),
  });
}
