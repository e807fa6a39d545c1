// What the writers of events and order lines add for audience analytics, in their own statement or
// transaction (migrations 20261207071500_audience_rollups and 20261207120000_audience_active_days
// say why): events append their count per UTC day and type, and events of the activity types
// (audience-activity.ts) their type and instant, for the refresher to find their customers' days;
// order-line changes mark their customers for the refresher (src/analytics/audience-rollups.ts).
// Appends only: no writer waits on another.
import { Prisma } from '../../generated/prisma/client';
import { ACTIVITY_TYPES, isActivityType } from './audience-activity';

/** UTC day of an instant, as the rollups key it. */
const utcDay = (at: Date) => at.toISOString().slice(0, 10);

/** Counts one stored event (call it only when the event was inserted, not for a duplicate). */
export async function countStoredEvent(tx: Prisma.TransactionClient, type: string, occurredAt: Date): Promise<void> {
  if (!ACTIVITY_TYPES.includes(type)) {
    await tx.$executeRaw`
      INSERT INTO audience_event_deltas (day, type, n) VALUES (${utcDay(occurredAt)}::date, ${type}, 1)`;
    return;
  }
  // One statement either way. The instant as events store it: UTC wall time, to the millisecond.
  await tx.$executeRaw`
    WITH counted AS (
      INSERT INTO audience_event_deltas (day, type, n) VALUES (${utcDay(occurredAt)}::date, ${type}, 1)
    )
    INSERT INTO audience_active_marks (type, occurred_at)
    VALUES (${type}, ${occurredAt.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
}

/**
 * CTEs for a statement that inserts events: counts the rows of its CTE `from` (which returns
 * `type` and `occurred_at`, stored UTC wall time), and marks those of the activity types.
 */
export const countStoredEventsCte = (from: string) => `
  counted AS (
    INSERT INTO audience_event_deltas (day, type, n)
    SELECT occurred_at::date, type, count(*) FROM ${from} GROUP BY 1, 2
  ), activity_marked AS (
    INSERT INTO audience_active_marks (type, occurred_at)
    SELECT type, occurred_at FROM ${from} WHERE ${isActivityType('type')}
  )`;

/** Takes the events of these customers out of the counts, before they are deleted (an erase). */
export async function uncountEventsOf(tx: Prisma.TransactionClient, customerIds: string[]): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO audience_event_deltas (day, type, n)
    SELECT occurred_at::date, type, -count(*) FROM events
     WHERE customer_id = ANY(${customerIds}::text[]) GROUP BY 1, 2`;
}

/** Marks customers whose order lines this transaction changes, for the refresher to recompute. */
export async function markBuyers(tx: Prisma.TransactionClient, customerIds: string[]): Promise<void> {
  await tx.$executeRaw`INSERT INTO audience_dirty_buyers (customer_id) SELECT unnest(${customerIds}::text[])`;
}

/**
 * A CTE for a statement that upserts order lines: marks the lines' customers and, as the
 * statement's snapshot has them, the customers holding those lines before (a re-import may move a
 * line to another customer or day).
 */
export function buyersMarkedCte(lines: { orderId: string; productId: string; customerId: string }[]): Prisma.Sql {
  return Prisma.sql`marked AS (
    INSERT INTO audience_dirty_buyers (customer_id)
    SELECT unnest(${lines.map((l) => l.customerId)}::text[])
    UNION
    SELECT customer_id FROM order_lines
     WHERE (order_id, product_id) IN (SELECT * FROM unnest(${lines.map((l) => l.orderId)}::text[],
                                                           ${lines.map((l) => l.productId)}::text[]))
  )`;
}
