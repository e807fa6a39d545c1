// Traits over a trailing window (value_12m, opens_30d, clicks_30d) change with time alone, as
// purchases and opens age out of it. Run on a schedule (workflows/maintenance/refresh-traits-workflow.ts).
import type { Db } from '../db/prisma';
import { ENGAGEMENT_TYPES, refreshCustomerTraits } from './refresh-traits';
import { eachPage, inSession } from './in-session';

/** Customers refreshed per transaction: short enough that a purchase waiting on one waits little. */
const PAGE = 2000;

/**
 * The customers whose windowed values are not what their lines and events say now: in one pass
 * over the windows' lines and events (hash aggregates, not a probe per customer). Comparing with
 * what is stored, rather than guessing who aged out since the last run, also mends a row a
 * missed run or an interrupted write left behind.
 */
const STALE = `
  CREATE TEMPORARY TABLE stale_windows (customer_id text PRIMARY KEY)`;
const FIND_STALE = `
  INSERT INTO stale_windows (customer_id)
  WITH clock AS (SELECT now() AT TIME ZONE 'UTC' AS at),
  spent AS (
    SELECT line.customer_id, sum(line.price * line.quantity) AS value_12m
      FROM order_lines line, clock WHERE line.ordered_at > clock.at - interval '12 months'
     GROUP BY line.customer_id
  ),
  engaged AS (
    SELECT event.customer_id,
           count(*) FILTER (WHERE event.type = '${ENGAGEMENT_TYPES.opened}')::int AS opens,
           count(*) FILTER (WHERE event.type = '${ENGAGEMENT_TYPES.clicked}')::int AS clicks
      FROM events event, clock
     WHERE event.type IN ('${ENGAGEMENT_TYPES.opened}', '${ENGAGEMENT_TYPES.clicked}')
       AND event.occurred_at > clock.at - interval '30 days'
     GROUP BY event.customer_id
  )
  SELECT stored.customer_id
    FROM customer_traits stored
    LEFT JOIN spent ON spent.customer_id = stored.customer_id
    LEFT JOIN engaged ON engaged.customer_id = stored.customer_id
   WHERE (stored.value_12m, stored.opens_30d, stored.clicks_30d)
         IS DISTINCT FROM (coalesce(spent.value_12m, 0), coalesce(engaged.opens, 0), coalesce(engaged.clicks, 0))`;

/**
 * Refreshes the customers whose windows moved, a page at a time, through refreshCustomerTraits:
 * it locks each customer and reads afresh, so a purchase committed while this runs is never
 * overwritten by the older figure found here. Returns how many customers it refreshed.
 */
export async function refreshTraitWindows(db: Db): Promise<number> {
  return inSession(db, async (client) => {
    await client.query(STALE);
    await client.query(FIND_STALE);
    return eachPage(client, 'stale_windows', PAGE, (ids) => refreshCustomerTraits(db, ids));
  });
}
