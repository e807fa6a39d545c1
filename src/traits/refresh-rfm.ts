// RFM scores: each buyer's quintile (1 to 5, 5 the best) of recency, frequency and monetary value
// among all buyers, which move as the whole base buys. Run on a schedule
// (workflows/maintenance/refresh-traits-workflow.ts); a customer's first purchase leaves them null
// until the next run.
import type { Db } from '../db/prisma';
import { eachPage, inSession } from './in-session';

/** Rows written per transaction, so that a purchase waiting on one of them waits little. */
const PAGE = 2000;

const FRESH = `
  CREATE TEMPORARY TABLE fresh_rfm (
    customer_id text PRIMARY KEY, recency smallint, frequency smallint, monetary smallint)`;

/**
 * ntile(5) over buyers (order_count > 0), the most recent, most frequent and biggest spenders in 5.
 * Ties are split by customer id (bytewise), so a run over unchanged data gives the same scores and
 * writes nothing. Kept: only rows whose scores differ, including customers no longer buyers (null).
 */
const SCORE = `
  INSERT INTO fresh_rfm (customer_id, recency, frequency, monetary)
  WITH scored AS (
    SELECT customer_id,
           ntile(5) OVER (ORDER BY last_purchase_at, customer_id COLLATE "C") AS recency,
           ntile(5) OVER (ORDER BY order_count, customer_id COLLATE "C") AS frequency,
           ntile(5) OVER (ORDER BY total_spent, customer_id COLLATE "C") AS monetary
      FROM customer_traits WHERE order_count > 0
  )
  SELECT stored.customer_id, scored.recency, scored.frequency, scored.monetary
    FROM customer_traits stored LEFT JOIN scored ON scored.customer_id = stored.customer_id
   WHERE (stored.rfm_recency, stored.rfm_frequency, stored.rfm_monetary)
         IS DISTINCT FROM (scored.recency, scored.frequency, scored.monetary)`;

/**
 * Locked in id order first, the order refreshCustomerTraits upserts in, so a page and a refresh of
 * several customers cannot deadlock. Only the scores are set: a purchase committed meanwhile keeps
 * its counts (the page's scores are as of the scoring, as any run's are).
 */
const LOCK_PAGE = `
  SELECT customer_id FROM customer_traits WHERE customer_id = ANY($1::text[]) ORDER BY customer_id FOR UPDATE`;
const WRITE_PAGE = `
  UPDATE customer_traits stored
     SET rfm_recency = fresh.recency, rfm_frequency = fresh.frequency, rfm_monetary = fresh.monetary,
         updated_at = now() AT TIME ZONE 'UTC'
    FROM fresh_rfm fresh
   WHERE fresh.customer_id = ANY($1::text[]) AND stored.customer_id = fresh.customer_id`;

/** Scores every buyer and writes the scores that changed; returns how many rows it wrote. */
export async function refreshRfmScores(db: Db): Promise<number> {
  return inSession(db, async (client) => {
    await client.query(FRESH);
    await client.query(SCORE);
    return eachPage(client, 'fresh_rfm', PAGE, async (ids) => {
      await client.query('BEGIN');
      try {
        await client.query(LOCK_PAGE, [ids]);
        await client.query(WRITE_PAGE, [ids]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    });
  });
}
