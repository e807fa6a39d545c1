// Step records: one row per journey transition, the basis of analytics and the customer trace.
import type { StepRecord } from '../src/core/calls';
import type { ActivityDeps } from './deps';

export function createJourneyActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    async recordSteps(records: StepRecord[]): Promise<void> {
      await db.journeyStep.createMany({
        data: records.map((r) => ({ ...r, detail: r.detail as object, at: new Date(r.at) })),
        skipDuplicates: true,
      });
    },
  };
}
