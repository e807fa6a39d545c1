// A broadcast's statements on the event outbox and its recipients. Every event a broadcast puts
// in has a deterministic id, `broadcast:<id>:<customerId>`, and goes in with ON CONFLICT DO
// NOTHING, so a retried or repeated page inserts nothing twice; the relay (src/ingestion/relay.ts)
// delivers them. Timestamps are UTC wall time, as Prisma writes them.
import type { Prisma } from '../../generated/prisma/client';
import { sqlRows, type Db } from '../db/prisma';
import { countStoredEventsCte } from '../analytics/audience-writes';

/** The event type every broadcast's program enters on, told apart by `properties.broadcast`. */
export const BROADCAST_EVENT = 'broadcast_requested';

const UTC_NOW = `(now() AT TIME ZONE 'UTC')`;
/** Due never, yet a date every reader of the table can parse (PostgreSQL's 'infinity' is not one). */
const NEVER = '9999-12-31 00:00:00';

/** The outbox rows of broadcast $1 not yet delivered (the relay's partial index covers them). */
const UNDELIVERED = `delivered_at IS NULL AND type = '${BROADCAST_EVENT}' AND properties ->> 'broadcast' = $1`;

/**
 * Copies the segment's open memberships into the recipients, once: the broadcast row is claimed
 * (`scheduled` → `running`) in the same transaction, so a retry after it committed copies nothing.
 * Merged customers are left out: their events would go to a workflow that has handed over.
 */
export async function snapshotRecipients(tx: Prisma.TransactionClient, broadcastId: string): Promise<number | null> {
  const claimed = await tx.$executeRaw`
    UPDATE broadcasts SET status = 'running', started_at = ${new Date()}
     WHERE id = ${broadcastId} AND status = 'scheduled' AND targeted IS NULL`;
  if (claimed === 0) return null;
  const targeted = await tx.$executeRaw`
    INSERT INTO broadcast_recipients (broadcast_id, customer_id)
    SELECT ${broadcastId}, m.customer_id
      FROM segment_memberships m
      JOIN broadcasts b ON b.id = ${broadcastId} AND m.segment_id = b.segment_id
      JOIN customers c ON c.id = m.customer_id AND c.merged_into IS NULL
     WHERE m.left_at IS NULL
    ON CONFLICT DO NOTHING`;
  await tx.broadcast.update({ where: { id: broadcastId }, data: { targeted } });
  return targeted;
}

/**
 * Puts the next `limit` recipients after the cursor into the outbox, due at once, and moves the
 * cursor past them, in one transaction under the broadcast's row lock. Recipients erased or
 * merged since the snapshot are skipped. Returns how many recipients the page held (fewer than
 * `limit`: the last page).
 */
export async function enqueuePage(db: Db, broadcastId: string, limit: number): Promise<number> {
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ cursor: string | null }[]>`
      SELECT cursor FROM broadcasts WHERE id = ${broadcastId} FOR UPDATE`;
    const page = await tx.$queryRaw<{ customer_id: string }[]>`
      SELECT customer_id FROM broadcast_recipients
       WHERE broadcast_id = ${broadcastId} AND customer_id > ${row?.cursor ?? ''}
       ORDER BY customer_id LIMIT ${limit}`;
    if (page.length === 0) {
      await tx.broadcast.update({ where: { id: broadcastId }, data: { enqueuedAllAt: new Date() } });
      return 0;
    }
    const ids = page.map((r) => r.customer_id);
    // The statement's rows are the events it stored (counted for audience trends on the way).
    const inserted = await tx.$executeRawUnsafe(
      `WITH stored AS (
       INSERT INTO events (id, customer_id, type, occurred_at, properties, received_at, next_attempt_at)
       SELECT 'broadcast:' || $1 || ':' || c.id, c.id, '${BROADCAST_EVENT}', ${UTC_NOW},
              jsonb_build_object('broadcast', $1::text), ${UTC_NOW}, ${UTC_NOW}
         FROM customers c WHERE c.id = ANY($2::text[]) AND c.merged_into IS NULL
       ON CONFLICT (id) DO NOTHING
       RETURNING type, occurred_at
       ), ${countStoredEventsCte('stored')}
       SELECT FROM stored`,
      broadcastId,
      ids,
    );
    await tx.broadcast.update({
      where: { id: broadcastId },
      data: {
        cursor: ids.at(-1)!,
        enqueued: { increment: inserted },
        ...(page.length < limit ? { enqueuedAllAt: new Date() } : {}),
      },
    });
    return page.length;
  });
}

export async function undeliveredCount(db: Db, broadcastId: string): Promise<number> {
  const [row] = await sqlRows<{ n: number }>(db, `SELECT count(*)::int AS n FROM events WHERE ${UNDELIVERED}`, [
    broadcastId,
  ]);
  return row?.n ?? 0;
}

/** Recipients whose event reached their workflow (the first event: a resent one is for the same customer). */
export async function deliveredCount(db: Db, broadcastId: string): Promise<number> {
  const [row] = await sqlRows<{ n: number }>(
    db,
    `SELECT count(*)::int AS n FROM broadcast_recipients r
       JOIN events e ON e.id = 'broadcast:' || r.broadcast_id || ':' || r.customer_id
      WHERE r.broadcast_id = $1 AND e.delivered_at IS NOT NULL`,
    [broadcastId],
  );
  return row?.n ?? 0;
}

/**
 * Paused: the relay leaves the undelivered events alone until resumed (a paused program would
 * take no entrant, and its event would be spent). Rows the relay has already leased may still go.
 */
export const deferUndelivered = (tx: Prisma.TransactionClient, broadcastId: string) =>
  tx.$executeRawUnsafe(`UPDATE events SET next_attempt_at = '${NEVER}' WHERE ${UNDELIVERED}`, broadcastId);

/** Resumed: the deferred events are due again. */
export const releaseDeferred = (tx: Prisma.TransactionClient, broadcastId: string) =>
  tx.$executeRawUnsafe(`UPDATE events SET next_attempt_at = ${UTC_NOW} WHERE ${UNDELIVERED}`, broadcastId);

/** Cancelled: the events not yet delivered are withdrawn; nothing else of the broadcast is sent. */
export const withdrawUndelivered = (tx: Prisma.TransactionClient, broadcastId: string) =>
  tx.$executeRawUnsafe(`DELETE FROM events WHERE ${UNDELIVERED}`, broadcastId);

/**
 * After a pause: a recipient whose event was delivered but who never entered the program (the
 * event reached it while it was paused, and a paused program takes no entrant) gets a second
 * event, with an id of its own per pause. One already in the program is refused by its entry
 * rule (`once`), so a second event can never mean a second message.
 */
export async function resendRefused(
  tx: Prisma.TransactionClient,
  broadcastId: string,
  programId: string,
  round: string,
): Promise<number> {
  return tx.$executeRawUnsafe(
    `WITH stored AS (
     INSERT INTO events (id, customer_id, type, occurred_at, properties, received_at, next_attempt_at)
     SELECT e.id || ':' || $3, e.customer_id, e.type, ${UTC_NOW}, e.properties, ${UTC_NOW}, ${UTC_NOW}
       FROM broadcast_recipients r
       JOIN events e ON e.id = 'broadcast:' || r.broadcast_id || ':' || r.customer_id
      WHERE r.broadcast_id = $1 AND e.delivered_at IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM journey_steps s
                         WHERE s.customer_id = e.customer_id AND s.program_id = $2
                           AND s.kind = 'enter' AND s.outcome = 'entered')
     ON CONFLICT (id) DO NOTHING
     RETURNING type, occurred_at
     ), ${countStoredEventsCte('stored')}
     SELECT FROM stored`,
    broadcastId,
    programId,
    round,
  );
}
