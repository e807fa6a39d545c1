// The scheduled refresh of computed traits (workflows/maintenance/refresh-traits-workflow.ts).
import { refreshRfmScores } from '../src/traits/refresh-rfm';
import { refreshTraitWindows } from '../src/traits/refresh-windows';
import type { ActivityDeps } from './deps';

export function createTraitsActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    /** Windows first: RFM ranks by the counts and amounts, which the windows' pass may correct. */
    async refreshTimeBoundTraits(): Promise<{ windows: number; rfm: number }> {
      const windows = await refreshTraitWindows(db);
      const rfm = await refreshRfmScores(db);
      return { windows, rfm };
    },
  };
}
