// Recomputes customers' rows of customer_traits from what they are made of: order lines (and
// their products' categories), email engagement events and the profile's country and region.
import type { Prisma } from '../../generated/prisma/client';
import type { PoolClient } from 'pg';
import { poolOf, type Db } from '../db/prisma';

/** The event types whose last 30 days are `opens_30d` and `clicks_30d`. */
export const ENGAGEMENT_TYPES = { opened: 'email_opened', clicked: 'email_clicked' } as const;

/** Whether storing an event of this type changes its customer's traits: a purchase or an engagement. */
export function eventChangesTraits(type: string): boolean {
  return type === 'purchase' || type === ENGAGEMENT_TYPES.opened || type === ENGAGEMENT_TYPES.clicked;
}

/**
 * Each listed customer's row made equal to what its data says now, in one statement: created if
 * missing, left alone (no write, `updated_at` kept) if nothing changed, deleted for a customer
 * merged into another (its lines and events now belong to the survivor). An id that names no
 * customer is ignored. RFM scores are not touched: they rank the whole base (refresh-rfm.ts).
 *
 * Call it in the transaction that wrote what changed. The customers' rows are locked first, in id
 * order, by a statement of their own: the recomputing statement then starts after any other
 * transaction that wrote to them has committed, so it sees their writes (a single statement's
 * snapshot would predate the lock wait, and two concurrent purchases would each count only their
 * own lines). Given the client itself, it opens a transaction for the two statements.
 */
export async function refreshCustomerTraits(
  db: Db | Prisma.TransactionClient,
  customerIds: readonly string[],
): Promise<void> {
  if (customerIds.length === 0) return;
  const refresh = (tx: Prisma.TransactionClient) =>
    refreshWith(async (sql, ids) => void (await tx.$queryRawUnsafe(sql, ids)), customerIds);
  if ('$transaction' in db) await db.$transaction(refresh);
  else await refresh(db);
}

/**
 * `work` and the refresh of the customers it names, in one transaction on a connection of the
 * client's pg pool: for a statement sent straight through pg (src/ingestion/unreferenced-batch.ts).
 */
export async function withTraitsRefreshed<T>(
  db: Db,
  work: (client: PoolClient) => Promise<{ result: T; changed: readonly string[] }>,
): Promise<T> {
  const client = await poolOf(db).connect();
  try {
    await client.query('BEGIN');
    const { result, changed } = await work(client);
    await refreshCustomerTraitsOn(client, changed);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (err) {
    // A connection whose rollback fails is broken: destroyed, not handed out again.
    const broken = await client.query('ROLLBACK').then(
      () => undefined,
      (rollbackErr: unknown) => rollbackErr,
    );
    client.release(broken instanceof Error ? broken : undefined);
    throw err;
  }
}

/** refreshCustomerTraits on a pg connection, inside the transaction the caller has begun on it. */
export async function refreshCustomerTraitsOn(client: PoolClient, customerIds: readonly string[]): Promise<void> {
  await refreshWith(async (sql, ids) => void (await client.query(sql, [ids])), customerIds);
}

async function refreshWith(run: (sql: string, ids: string[]) => Promise<void>, customerIds: readonly string[]) {
  if (customerIds.length === 0) return;
  const ids = [...new Set(customerIds)];
  await run(LOCK_CUSTOMERS, ids);
  await run(RECOMPUTE, ids);
}

/** In the order merge.ts locks them in, so that the two cannot deadlock. */
const LOCK_CUSTOMERS = `
  SELECT id FROM customers WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE`;

/** The computed country and region, as SQL over a customer's profile traits (jsonb): strings only. */
export const profilePlaceSql = (traits: string) => `
  CASE WHEN jsonb_typeof(${traits} -> 'country') = 'string' THEN ${traits} ->> 'country' END,
  CASE WHEN jsonb_typeof(${traits} -> 'region') = 'string' THEN ${traits} ->> 'region' END`;

/**
 * Timestamps are UTC wall times (timestamp(3)), so "now" is too. Favourite category: the one with
 * the most units bought, then the most recently bought, then by name. The upsert runs in id order
 * so that two refreshes of overlapping customers lock their rows in the same order.
 */
const RECOMPUTE = `
  WITH listed AS (
    SELECT id, traits, merged_into, (now() AT TIME ZONE 'UTC') AS at
      FROM customers WHERE id = ANY($1::text[])
  ),
  merged_away AS (
    DELETE FROM customer_traits gone USING listed
     WHERE gone.customer_id = listed.id AND listed.merged_into IS NOT NULL
  )
  INSERT INTO customer_traits AS t (
    customer_id, order_count, total_spent, first_purchase_at, last_purchase_at, favourite_category,
    value_12m, opens_30d, clicks_30d, country, region, updated_at)
  SELECT listed.id, coalesce(orders.order_count, 0), coalesce(orders.total_spent, 0),
         orders.first_at, orders.last_at, favourite.category,
         coalesce(orders.value_12m, 0), coalesce(engagement.opens, 0), coalesce(engagement.clicks, 0),
         ${profilePlaceSql('listed.traits')},
         listed.at
    FROM listed
    LEFT JOIN LATERAL (
      SELECT count(DISTINCT line.order_id)::int AS order_count,
             sum(line.price * line.quantity) AS total_spent,
             min(line.ordered_at) AS first_at, max(line.ordered_at) AS last_at,
             sum(line.price * line.quantity)
               FILTER (WHERE line.ordered_at > listed.at - interval '12 months') AS value_12m
        FROM order_lines line WHERE line.customer_id = listed.id
    ) orders ON true
    LEFT JOIN LATERAL (
      SELECT product.category
        FROM order_lines line JOIN products product ON product.id = line.product_id
       WHERE line.customer_id = listed.id AND product.category IS NOT NULL
       GROUP BY product.category
       ORDER BY sum(line.quantity) DESC, max(line.ordered_at) DESC, product.category COLLATE "C"
       LIMIT 1
    ) favourite ON true
    LEFT JOIN LATERAL (
      SELECT count(*) FILTER (WHERE event.type = '${ENGAGEMENT_TYPES.opened}')::int AS opens,
             count(*) FILTER (WHERE event.type = '${ENGAGEMENT_TYPES.clicked}')::int AS clicks
        FROM events event
       WHERE event.customer_id = listed.id AND event.occurred_at > listed.at - interval '30 days'
         AND event.type IN ('${ENGAGEMENT_TYPES.opened}', '${ENGAGEMENT_TYPES.clicked}')
    ) engagement ON true
   WHERE listed.merged_into IS NULL
   ORDER BY listed.id
  ON CONFLICT (customer_id) DO UPDATE SET
    order_count = EXCLUDED.order_count, total_spent = EXCLUDED.total_spent,
    first_purchase_at = EXCLUDED.first_purchase_at, last_purchase_at = EXCLUDED.last_purchase_at,
    favourite_category = EXCLUDED.favourite_category, value_12m = EXCLUDED.value_12m,
    opens_30d = EXCLUDED.opens_30d, clicks_30d = EXCLUDED.clicks_30d,
    country = EXCLUDED.country, region = EXCLUDED.region, updated_at = EXCLUDED.updated_at
  WHERE (t.order_count, t.total_spent, t.first_purchase_at, t.last_purchase_at, t.favourite_category,
         t.value_12m, t.opens_30d, t.clicks_30d, t.country, t.region)
        IS DISTINCT FROM
        (EXCLUDED.order_count, EXCLUDED.total_spent, EXCLUDED.first_purchase_at, EXCLUDED.last_purchase_at,
         EXCLUDED.favourite_category, EXCLUDED.value_12m, EXCLUDED.opens_30d, EXCLUDED.clicks_30d,
         EXCLUDED.country, EXCLUDED.region)`;
