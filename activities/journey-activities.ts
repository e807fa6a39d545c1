// Step records: one row per journey transition, the basis of analytics and the customer trace.
import type { ActivityDeps } from './deps';

export interface StepRecord {
  /** Deterministic (`<enrollment id>/<seq>`), so a retried write inserts nothing twice. */
  id: string;
  customerId: string;
  enrollmentId: string;
  programId: string;
  version: number;
  variant: string | null;
  stepId: string;
  kind: string;
  outcome: string;
  detail: Record<string, unknown>;
  at: number;
}

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
