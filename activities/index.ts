// The worker's activities: one factory per concern, merged here. Workflows import only the type.
import type { ActivityDeps } from './deps';
import { createEnrollmentActivities } from './enrollment-activities';
import { createExperimentActivities } from './experiment-activities';
import { createIdentityActivities } from './identity-activities';
import { createJourneyActivities } from './journey-activities';
import { createMessagingActivities } from './messaging-activities';
import { createPolicyActivities } from './policy-activities';
import { createProfileActivities } from './profile-activities';
import { createRecommendationActivities } from './recommendation-activities';
import { createRolloutActivities } from './rollout-activities';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createEnrollmentActivities(deps),
    ...createIdentityActivities(),
    ...createJourneyActivities(deps),
    ...createProfileActivities(deps),
    ...createRecommendationActivities(deps),
    ...createMessagingActivities(deps),
    ...createPolicyActivities(deps),
    ...createRolloutActivities(deps),
    ...createExperimentActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from './deps';
