// Events no program version in use references (no entry, wait or goal names their type) are
// stored and signalled to no workflow. In a batch, those of customers already known need no
// transaction, no signal and no delivered mark each: one statement resolves their customers and
// stores them all. The rest (a new customer or identifier, a purchase's order lines) take the
// per-event path, which stores them unsignalled too.
import { randomUUID } from 'node:crypto';
import { sqlRows, type Db } from '../db/prisma';
import type { EventInput } from '../contracts/requests/event-schema';
import type { IngestResult } from './ingestion';
import { countStoredEventsCte } from '../analytics/audience-writes';
import { eventChangesTraits, withTraitsRefreshed } from '../traits/refresh-traits';

export interface BatchItem {
  index: number;
  input: EventInput;
}

/**
 * Resolves each record's customer as identity's `resolve` does when it has nothing to write (a
 * given id, following a merge, else the strongest identifier: email, loyalty card, anonymous id),
 * provided the customer and every identifier given are known; stores those events as delivered
 * (the relay never takes them) and unreferenced, in UTC as Prisma writes timestamps. Per record:
 * whether it could be stored, whether this statement stored it, and an earlier event's row under
 * the same id (a duplicate). Everything in one JSON parameter: pg's escaping of array parameters
 * costs more than the statement.
 */
const STORE = `
  WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb)
      AS t(i int, id text, ref text, email text, loyalty text, anon text, type text, at timestamptz, properties jsonb)
  ), looked_up AS MATERIALIZED (
    -- Scalar subqueries, run only for what a record gives: one index probe each, whatever the
    -- tables' sizes (a join may hash a whole table).
    SELECT t.*,
           CASE WHEN t.ref IS NOT NULL
                THEN (SELECT coalesce(c.merged_into, c.id) FROM customers c WHERE c.id = t.ref) END AS by_ref,
           CASE WHEN t.email IS NOT NULL
                THEN (SELECT i.customer_id FROM customer_identifiers i
                       WHERE i.kind = 'email' AND i.value = t.email) END AS by_email,
           CASE WHEN t.loyalty IS NOT NULL
                THEN (SELECT i.customer_id FROM customer_identifiers i
                       WHERE i.kind = 'loyaltyId' AND i.value = t.loyalty) END AS by_loyalty,
           CASE WHEN t.anon IS NOT NULL
                THEN (SELECT i.customer_id FROM customer_identifiers i
                       WHERE i.kind = 'anonymousId' AND i.value = t.anon) END AS by_anon
      FROM input t
  ), resolved AS (
    SELECT l.*,
           CASE WHEN l.ref IS NOT NULL THEN l.by_ref ELSE coalesce(l.by_email, l.by_loyalty, l.by_anon) END
             AS customer_id,
           (l.email IS NULL OR l.by_email IS NOT NULL) AND (l.loyalty IS NULL OR l.by_loyalty IS NOT NULL)
             AND (l.anon IS NULL OR l.by_anon IS NOT NULL) AS identifiers_known
      FROM looked_up l
  ), stored AS (
    INSERT INTO events (id, customer_id, type, occurred_at, properties, received_at, delivered_at, next_attempt_at,
                        unreferenced)
    SELECT id, customer_id, type, at AT TIME ZONE 'UTC', properties,
           now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', true
      FROM resolved WHERE identifiers_known AND customer_id IS NOT NULL ORDER BY i
    ON CONFLICT (id) DO NOTHING
    RETURNING id, type, occurred_at
  ), ${countStoredEventsCte('stored')}
  SELECT r.i, r.customer_id, r.identifiers_known AND r.customer_id IS NOT NULL AS storable,
         s.id IS NOT NULL AS inserted,
         CASE WHEN s.id IS NULL THEN (SELECT x.customer_id FROM events x WHERE x.id = r.id) END AS original_customer,
         CASE WHEN s.id IS NULL THEN (SELECT x.delivered_at IS NOT NULL FROM events x WHERE x.id = r.id) END
           AS original_delivered,
         CASE WHEN s.id IS NULL THEN (SELECT x.unreferenced FROM events x WHERE x.id = r.id) END
           AS original_unreferenced
    FROM resolved r LEFT JOIN stored s ON s.id = r.id`;

interface Row {
  i: number;
  customer_id: string | null;
  storable: boolean;
  inserted: boolean;
  original_customer: string | null;
  original_delivered: boolean | null;
  original_unreferenced: boolean | null;
}

/** Stores the items whose customer is known by everything they give, and answers them; the rest are left out. */
export async function storeUnreferencedBatch(db: Db, items: BatchItem[]): Promise<Map<number, IngestResult>> {
  const answered = new Map<number, IngestResult>();
  // A purchase also writes its order lines: the per-event path does that.
  const candidates = items.filter((item) => item.input.type !== 'purchase');
  if (!candidates.length) return answered;

  const now = new Date().toISOString();
  const records = candidates.map(({ input }, i) => ({
    i,
    id: input.eventId ?? randomUUID(),
    ref: input.customer.id ?? null,
    email: input.customer.email ?? null,
    loyalty: input.customer.loyaltyId ?? null,
    anon: input.customer.anonymousId ?? null,
    type: input.type,
    at: input.timestamp ?? now,
    properties: input.properties,
  }));
  let rows: Row[];
  try {
    const parameters = [JSON.stringify(records)];
    // An email open or click changes its customer's traits: refreshed in the same transaction.
    rows = candidates.some((item) => eventChangesTraits(item.input.type))
      ? await withTraitsRefreshed(db, async (client) => {
          const stored = (await client.query<Row>(STORE, parameters)).rows;
          const changed = stored.filter((row) => row.inserted && eventChangesTraits(records[row.i]!.type));
          return { result: stored, changed: changed.map((row) => row.customer_id!) };
        })
      : await sqlRows<Row>(db, STORE, parameters);
  } catch {
    // A customer went meanwhile (erased), or the database did: each item on its own path says
    // which (a database that is down answers 503 there).
    return answered;
  }

  const byRecord = new Map(rows.map((row) => [row.i, row]));
  /** Event id → its customer, for the first item of this batch that stored it. */
  const storedHere = new Map<string, string>();
  records.forEach((record, i) => {
    const row = byRecord.get(i);
    if (!row?.storable) return;
    const index = candidates[i]!.index;
    const mine = storedHere.get(record.id);
    if (row.inserted && mine === undefined) {
      storedHere.set(record.id, row.customer_id!);
      answered.set(index, {
        eventId: record.id,
        customerId: row.customer_id!,
        duplicate: false,
        delivered: true,
        unreferenced: true,
      });
    } else if (mine !== undefined) {
      // The same id twice in one batch: the second is a duplicate of the first, as `ingest` answers.
      answered.set(index, {
        eventId: record.id,
        customerId: mine,
        duplicate: true,
        delivered: true,
        unreferenced: true,
      });
    } else if (row.original_customer !== null) {
      answered.set(index, {
        eventId: record.id,
        customerId: row.original_customer,
        duplicate: true,
        delivered: row.original_delivered === true,
        ...(row.original_unreferenced ? { unreferenced: true as const } : {}),
      });
    }
    // Else another request stored that id while this statement ran: the per-event path answers.
  });
  return answered;
}
