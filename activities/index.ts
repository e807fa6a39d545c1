// The worker's activities: one factory per concern, merged here. Workflows import only the type.
import type { StepRecord } from '../src/core/calls';
import type { ActivityDeps } from './deps';
import { createBroadcastActivities } from './broadcast-activities';
import { createEnrollmentActivities } from './enrollment-activities';
import { createExperimentActivities } from './experiment-activities';
import { createIdentityActivities } from './identity-activities';
import { createImportActivities } from './import-activities';
import { createJourneyActivities } from './journey-activities';
import { createMessagingActivities } from './messaging-activities';
import { createPolicyActivities } from './policy-activities';
import { createProfileActivities } from './profile-activities';
import { createRecommendationActivities } from './recommendation-activities';
import { createRolloutActivities } from './rollout-activities';
import { createSegmentActivities } from './segment-activities';
import { createTraitsActivities } from './traits-activities';

export function createActivities(deps: ActivityDeps) {
  const journey = createJourneyActivities(deps);
  const profile = createProfileActivities(deps);
  const recommendations = createRecommendationActivities(deps);
  const { sendMessage } = createMessagingActivities(deps);
  const carry = carrying(journey.recordSteps);
  return {
    ...createEnrollmentActivities(deps),
    ...createIdentityActivities(),
    ...journey,
    ...profile,
    ...recommendations,
    ...createPolicyActivities(deps),
    ...createRolloutActivities(deps),
    ...createSegmentActivities(deps),
    ...createTraitsActivities(deps),
    ...createExperimentActivities(deps),
    ...createImportActivities(deps),
    ...createBroadcastActivities(deps),
    // A journey's remote calls (src/core/calls.ts).
    sendMessage: carry(sendMessage),
    updateProfile: carry(profile.updateProfile),
    recommendProducts: carry(recommendations.recommendProducts),
  };
}

/**
 * A remote call carries the step records its journey made before it (workflows/driver.ts) and
 * writes them first: no separate write, and no workflow activation for one. The write is
 * idempotent, so a retried attempt writes nothing twice.
 */
function carrying(recordSteps: (records: StepRecord[]) => Promise<void>) {
  return <A, R>(run: (args: A) => Promise<R>) =>
    async (args: A, records: StepRecord[] = []): Promise<R> => {
      if (records.length) await recordSteps(records);
      return run(args);
    };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from './deps';
