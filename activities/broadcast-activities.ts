// A broadcast's run, one step per call, for its workflow (workflows/broadcasts/).
import { createAdvanceBroadcast } from '../src/broadcasts/advance-broadcast';
import type { ActivityDeps } from './deps';

export function createBroadcastActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return { advanceBroadcast: createAdvanceBroadcast(db) };
}
