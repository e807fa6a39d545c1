// The contact policy a send is judged by: the configured caps and quiet hours, and the
// customer's time zone for the quiet-hours window.
import type { ContactPolicy } from '../src/core/contact-policy';
import type { ActivityDeps } from './deps';

export function createPolicyActivities({ db, contactPolicy }: Pick<ActivityDeps, 'db' | 'contactPolicy'>) {
  return {
    async loadContactPolicy(input: { customerId: string }): Promise<ContactPolicy & { timeZone: string | null }> {
      const customer = await db.customer.findUnique({ where: { id: input.customerId }, select: { timezone: true } });
      return { ...contactPolicy, timeZone: customer?.timezone ?? null };
    },
  };
}
