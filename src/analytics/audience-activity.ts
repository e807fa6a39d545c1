// The customers' days of activity by kind (migration 20261207120000_audience_active_days): which
// events make which kinds, and the statements the refresher (audience-rollups.ts) keeps
// audience_active_days and audience_active_counts with. Each day carries the customer's previous
// day of its kind, so "distinct customers active in [from, to)" counts the days there whose
// previous day is before `from`; audience_active_counts holds those days' numbers by (kind, day,
// previous day), so that the count reads days × previous days, not customers.

/** The kinds each event type makes its customer active in, on the event's UTC day. */
export const EVENT_KINDS: Readonly<Record<string, readonly string[]>> = {
  email_opened: ['acted', 'email-engaged'],
  email_clicked: ['acted', 'email-engaged'],
  page_view: ['acted', 'visited'],
  site_visit: ['acted', 'visited'],
  email_delivered: ['delivered'],
};

/** Event types whose writers mark them for the refresher (audience-writes.ts). */
export const ACTIVITY_TYPES = Object.keys(EVENT_KINDS);

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** `type IN (…)` over the activity types, for a statement's WHERE. */
export const isActivityType = (column: string) => `${column} IN (${ACTIVITY_TYPES.map(literal).join(', ')})`;

/** EVENT_KINDS as rows (type, kind), to join events with: `JOIN ${EVENT_KINDS_VALUES} k(type, kind)`. */
export const EVENT_KINDS_VALUES = `(VALUES ${Object.entries(EVENT_KINDS)
  .flatMap(([type, kinds]) => kinds.map((kind) => `(${literal(type)}, ${literal(kind)})`))
  .join(', ')})`;

/**
 * A CTE applying changes to audience_active_counts (customers by kind, day and previous day, which
 * RACE sums): `changes` yields (kind, day, prev_day, n), n +1 for a row of audience_active_days
 * written, -1 for one removed or relinked from that previous day. A day without a previous one
 * counts under -infinity, so that the key has no null.
 */
const countChangesCte = (as: string, changes: string) => `
  ${as}_counted AS (
    INSERT INTO audience_active_counts AS c (kind, day, prev_day, n)
    SELECT kind, day, coalesce(prev_day, '-infinity'::date), sum(n)
      FROM (${changes}) x
     GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (kind, day, prev_day) DO UPDATE SET n = c.n + excluded.n
  )`;

/**
 * CTEs that add the (customer_id, kind, day) rows of the relation `from` that audience_active_days
 * lacks, in any order relative to the days already there: each new day's previous day is the latest
 * before it among the days there and the new ones, and the day there just after one or more new
 * days takes the latest of them as its previous day (it had the day there before them, which the
 * new days share). Only the refresher writes the table, so the statement's snapshot of it is the
 * table. `as` prefixes the CTEs' names.
 *
 * Every read of audience_active_days here is a probe by key, written as a lateral (not flattened:
 * LIMIT, OFFSET) or correlated subquery so that it stays one whatever the planner believes of the
 * table: one it has no statistics for yet (created empty, filled by the refresher's own
 * transaction) was joined as a one-row outer side and scanned whole per customer (minutes per
 * batch on the bench's audience).
 */
export const addActiveDaysCtes = (from: string, as: string) => `
  ${as}_new AS (
    SELECT a.customer_id, a.kind, a.day FROM (SELECT DISTINCT customer_id, kind, day FROM ${from}) a
      LEFT JOIN LATERAL (SELECT true AS there FROM audience_active_days d
                          WHERE d.customer_id = a.customer_id AND d.kind = a.kind AND d.day = a.day LIMIT 1) x ON true
     WHERE x.there IS NULL
  ), ${as}_near AS (
    SELECT n.customer_id, n.kind, n.day,
           lag(n.day) OVER (PARTITION BY n.customer_id, n.kind ORDER BY n.day) AS new_before,
           (SELECT max(d.day) FROM audience_active_days d
             WHERE d.customer_id = n.customer_id AND d.kind = n.kind AND d.day < n.day) AS before,
           (SELECT min(d.day) FROM audience_active_days d
             WHERE d.customer_id = n.customer_id AND d.kind = n.kind AND d.day > n.day) AS next_day
      FROM ${as}_new n
  ), ${as}_placed AS (
    SELECT customer_id, kind, day, greatest(new_before, before) AS prev_day FROM ${as}_near
  ), ${as}_inserted AS (
    INSERT INTO audience_active_days (customer_id, kind, day, prev_day)
    SELECT * FROM ${as}_placed ORDER BY 1, 2, 3
  ), ${as}_successors AS (
    SELECT customer_id, kind, next_day AS day, min(before) AS was, max(day) AS prev_day FROM ${as}_near
     WHERE next_day IS NOT NULL GROUP BY 1, 2, 3
  ), ${as}_relinked AS (
    UPDATE audience_active_days d SET prev_day = s.prev_day FROM ${as}_successors s
     WHERE d.customer_id = s.customer_id AND d.kind = s.kind AND d.day = s.day
  ), ${countChangesCte(
    as,
    `SELECT kind, day, prev_day, 1 AS n FROM ${as}_placed
     UNION ALL SELECT kind, day, was, -1 FROM ${as}_successors
     UNION ALL SELECT kind, day, prev_day, 1 FROM ${as}_successors`,
  )}`;

/** Marks folded per statement: bounds one statement's memory and time. */
export const MARKS_BATCH = 10_000;

/**
 * One statement, so one snapshot: the marks it takes and the events it finds through them agree
 * (a mark is committed with its event). Finds the customers of the marked (type, instant) through
 * the events (type, occurred_at) index and adds their days. An event moved or deleted since (a
 * merge, an erase) is its customers' recomputation's, which their buyer marks ask for.
 */
export const FOLD_ACTIVITY = `
  WITH taken AS (
    DELETE FROM audience_active_marks
     WHERE ctid = ANY(ARRAY(SELECT ctid FROM audience_active_marks LIMIT ${MARKS_BATCH}))
    RETURNING type, occurred_at
  ), arrived AS (
    SELECT e.customer_id, k.kind, e.occurred_at::date AS day
      FROM (SELECT DISTINCT type, occurred_at FROM taken) t
      JOIN events e ON e.type = t.type AND e.occurred_at = t.occurred_at
      JOIN ${EVENT_KINDS_VALUES} k(type, kind) ON k.type = t.type
  ), ${addActiveDaysCtes('arrived', 'events')}
  SELECT count(*)::int AS taken FROM taken`;

/** The kinds a marked customer's recomputation always rewrites: their rows' sources are not marked. */
const RECOMPUTED_KINDS = `('messaged', 'bought', 'bought-again')`;

/**
 * CTEs recomputing the customers in the CTE `dirty` (whose buyer days are in `fresh`, as
 * RECOMPUTE_BUYERS computes them) from the raw rows, writing only what differs: their purchases'
 * and messages' kinds always (messages up to the closed days' watermark: later days are read from
 * messages), their events' kinds only when a merge or an erase moved events (the customer is gone,
 * merged, or others were merged into them: the partial index on customers.merged_into finds
 * those). Events otherwise reach the active days through their marks, and a purchase re-reading
 * its buyer's every event made the refresher ten times slower on the bench's audience.
 */
export const RECOMPUTE_ACTIVE_CTES = `
  active_scope AS (
    SELECT customer_id,
           NOT EXISTS (SELECT FROM customers c WHERE c.id = dirty.customer_id AND c.merged_into IS NULL)
           OR EXISTS (SELECT FROM customers c WHERE c.merged_into = dirty.customer_id) AS moved
      FROM dirty
  ), active_fresh AS (
    SELECT customer_id, kind, day, lag(day) OVER (PARTITION BY customer_id, kind ORDER BY day) AS prev_day
      FROM (SELECT e.customer_id, k.kind, e.occurred_at::date AS day
              FROM active_scope s JOIN events e ON e.customer_id = s.customer_id AND s.moved
              JOIN ${EVENT_KINDS_VALUES} k(type, kind) ON k.type = e.type
            UNION
            SELECT m.customer_id, 'messaged', m.created_at::date
              FROM messages m JOIN dirty USING (customer_id)
             WHERE m.status = 'sent'
               AND m.created_at < (SELECT through + 1 FROM audience_watermarks WHERE name = 'messages')
            UNION
            SELECT customer_id, 'bought', day FROM fresh
            UNION
            SELECT customer_id, 'bought-again', day
              FROM (SELECT customer_id, day, sum(orders) OVER (PARTITION BY customer_id ORDER BY day) AS orders
                      FROM fresh) f
             WHERE orders >= 2) a
  ), active_stale AS (
    SELECT d.customer_id, d.kind, d.day, d.prev_day
      FROM active_scope s,
           LATERAL (SELECT * FROM audience_active_days d
                     WHERE d.customer_id = s.customer_id AND (s.moved OR d.kind IN ${RECOMPUTED_KINDS}) OFFSET 0) d
  ), active_written AS (
    INSERT INTO audience_active_days AS d (customer_id, kind, day, prev_day)
    SELECT * FROM active_fresh ORDER BY 1, 2, 3
    ON CONFLICT (customer_id, kind, day) DO UPDATE SET prev_day = excluded.prev_day
     WHERE d.prev_day IS DISTINCT FROM excluded.prev_day
  ), active_gone AS (
    DELETE FROM audience_active_days d USING active_stale s
     WHERE d.customer_id = s.customer_id AND d.kind = s.kind AND d.day = s.day
       AND NOT EXISTS (SELECT FROM active_fresh f
                        WHERE f.customer_id = s.customer_id AND f.kind = s.kind AND f.day = s.day)
  ), ${countChangesCte(
    'active',
    `SELECT kind, day, prev_day, 1 AS n FROM active_fresh
     UNION ALL SELECT kind, day, prev_day, -1 FROM active_stale`,
  )}`;
