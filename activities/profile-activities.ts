// Profile reads and writes the journey needs (src/customers/): the condition scope, attribute/tag
// updates, and waits computed from the customer's own behaviour.
import type { PersonalizedWaitInput, ProfileScope } from '../src/core/calls';
import { computePersonalizedWait } from '../src/customers/personalized-waits';
import { loadProfileFields } from '../src/customers/profile-scope';
import { updateProfile, type ProfileUpdate } from '../src/customers/profile-updates';
import type { ActivityDeps } from './deps';

export function createProfileActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    loadProfile: (input: { customerId: string; fields: readonly string[] }): Promise<ProfileScope> =>
      loadProfileFields(db, input.customerId, input.fields),
    updateProfile: (input: ProfileUpdate): Promise<void> => updateProfile(db, input),
    computePersonalizedWait: (input: PersonalizedWaitInput): Promise<{ ms: number; basis: string }> =>
      computePersonalizedWait(db, input),
  };
}
