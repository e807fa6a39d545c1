// The contact policy a send is judged by: the configured caps and quiet hours, and the
// customer's time zone for the quiet-hours window.
import type { CustomerPolicy } from '../core/calls';
import type { ContactPolicy, FrequencyCap } from '../core/contact-policy';
import type { Db } from '../db/prisma';
import { durationMs } from '../contracts/program-language/durations';

/** The policy as configured: cap windows as text ("24h"), measured here for the engine. */
export type ContactPolicyConfig = Omit<ContactPolicy, 'caps'> & { caps: Omit<FrequencyCap, 'withinMs'>[] };

/** The policy for a customer, with the time zone read from their row. */
export async function loadCustomerPolicy(
  db: Db,
  config: ContactPolicyConfig,
  customerId: string,
): Promise<CustomerPolicy> {
  const customer = await db.customer.findUnique({ where: { id: customerId }, select: { timezone: true } });
  return customerPolicy(config, customer?.timezone ?? null);
}

/**
 * The policy for a customer in `timeZone`. `planEnrollments` reads the zone in its own statement
 * and hands the policy on, so a send right after entry needs no read of its own.
 */
export function customerPolicy(config: ContactPolicyConfig, timeZone: string | null): CustomerPolicy {
  const caps = config.caps.map((cap) => ({ ...cap, withinMs: durationMs(cap.within) }));
  return { ...config, caps, timeZone };
}
