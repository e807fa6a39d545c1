// The contact policy a send is judged by, for a journey (src/messaging/contact-policy-reads.ts).
import type { CustomerPolicy } from '../src/core/calls';
import { loadCustomerPolicy } from '../src/messaging/contact-policy-reads';
import type { ActivityDeps } from './deps';

export function createPolicyActivities({ db, contactPolicy }: Pick<ActivityDeps, 'db' | 'contactPolicy'>) {
  return {
    loadContactPolicy: (input: { customerId: string }): Promise<CustomerPolicy> =>
      loadCustomerPolicy(db, contactPolicy, input.customerId),
  };
}
