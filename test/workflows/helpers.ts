// Shared reads and actions for workflow tests: customers, events through the real ingestion path,
// and the rows a journey leaves behind (step records, messages, the sink inbox).
import { eventually, type World } from '../helpers/world';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** A customer known by email, with optional profile traits; returns their id. */
export function customer(
  world: World,
  email: string,
  traits: Record<string, string | number | boolean> = {},
): Promise<string> {
  return world.api.deps.identity.identify({
    customer: { email },
    traits: { firstName: email.slice(0, email.indexOf('@')), ...traits },
  });
}

/** Ingests an event for the customer with this email; returns the event id. */
export async function send(
  world: World,
  email: string,
  type: string,
  eventId: string,
  properties: Record<string, string | number> = {},
): Promise<string> {
  const result = await world.api.deps.ingestion.ingest({ eventId, type, customer: { email }, properties });
  return result.eventId;
}

/** Simona's in-store purchase of the linen dress, under her loyalty card. */
export async function storePurchase(world: World, loyaltyId: string, orderId: string): Promise<void> {
  await world.api.deps.ingestion.ingest({
    eventId: `purchase-${orderId}`,
    type: 'purchase',
    customer: { loyaltyId },
    properties: { orderId, channel: 'store', items: [{ productId: 'dress-linen', price: 89 }] },
  });
}

export const stepsOf = (world: World, customerId: string, where: { enrollmentId?: string; kind?: string } = {}) =>
  world.database.db.journeyStep.findMany({ where: { customerId, ...where }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });

export const messagesOf = (world: World, customerId: string, where: { enrollmentId?: string } = {}) =>
  world.database.db.message.findMany({
    where: { customerId, ...where },
    orderBy: [{ scheduledAt: 'asc' }, { key: 'asc' }],
  });

/** Subjects in the sink inbox for this address, oldest first. */
export const inboxOf = (world: World, email: string) => world.sink.store.list({ to: email }).reverse();

/** Waits until the workflow has written a step record matching `where` and returns it. */
export function stepRecord(
  world: World,
  customerId: string,
  where: { enrollmentId?: string; kind: string; outcome?: string },
) {
  return eventually(
    async () => {
      const rows = await stepsOf(world, customerId, { enrollmentId: where.enrollmentId, kind: where.kind });
      return rows.find((r) => where.outcome === undefined || r.outcome === where.outcome);
    },
    45_000,
    `a ${where.kind} ${where.outcome ?? ''} record for ${where.enrollmentId ?? customerId}`,
  );
}

/** Waits until `count` messages of the customer are settled (not queued/sending) and returns them. */
export function settledMessages(
  world: World,
  customerId: string,
  count: number,
  where: { enrollmentId?: string } = {},
) {
  return eventually(
    async () => {
      const rows = await messagesOf(world, customerId, where);
      return rows.length >= count && rows.every((m) => m.status !== 'queued' && m.status !== 'sending') && rows;
    },
    45_000,
    `${count} settled messages for ${where.enrollmentId ?? customerId}`,
  );
}

/** Waits until the customer's workflow reports the given enrollment ids (in any order). */
export function enrollments(world: World, customerId: string, ids: string[]) {
  const wanted = [...ids].sort();
  return eventually(
    async () => {
      const state = await world.api.deps.customers.journeyState(customerId).catch(() => undefined);
      const actual = state?.enrollments.map((e) => e.id).sort();
      return JSON.stringify(actual) === JSON.stringify(wanted) && state;
    },
    45_000,
    `enrollments [${wanted.join(', ')}] for ${customerId}`,
  );
}
