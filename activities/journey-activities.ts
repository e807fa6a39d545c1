// Step records a journey made, written (src/trace/step-records.ts).
import type { StepRecord } from '../src/core/calls';
import { writeStepRecords } from '../src/trace/step-records';
import type { ActivityDeps } from './deps';

export function createJourneyActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    recordSteps: (records: StepRecord[]): Promise<void> => writeStepRecords(db, records),
  };
}
