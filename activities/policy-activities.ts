// The contact policy a send is judged by: the configured caps and quiet hours, and the
// customer's time zone for the quiet-hours window.
import type { ContactPolicy, FrequencyCap } from '../src/core/contact-policy';
import { durationMs } from '../src/programs/durations';
import type { ActivityDeps } from './deps';

/** The policy as configured: cap windows as text ("24h"), measured here for the engine. */
export type ContactPolicyConfig = Omit<ContactPolicy, 'caps'> & { caps: Omit<FrequencyCap, 'withinMs'>[] };

export function createPolicyActivities({ db, contactPolicy }: Pick<ActivityDeps, 'db' | 'contactPolicy'>) {
  return {
    async loadContactPolicy(input: { customerId: string }): Promise<ContactPolicy & { timeZone: string | null }> {
      const customer = await db.customer.findUnique({ where: { id: input.customerId }, select: { timezone: true } });
      const caps = contactPolicy.caps.map((cap) => ({ ...cap, withinMs: durationMs(cap.within) }));
      return { ...contactPolicy, caps, timeZone: customer?.timezone ?? null };
    },
  };
}
