// First-seen cohorts (migration 20261207130000_audience_seen_cohorts). A customer is first seen in
// the month of their profile or of their first purchase, whichever is earlier: an imported
// purchase history can go back before the import made the profile. A cohort's size is the
// profiles made that month, counted when read through a partial index (customers come from events,
// imports, the API and merges: no single writer could keep the count), plus the shifts the
// refresher keeps for the buyers first seen before their profile. Its cells (who purchased in each
// month, and for how much) are kept by the refresher with the first-purchase cells.

/**
 * CTEs for RECOMPUTE_BUYERS (audience-rollups.ts): from its `dirty` customers, their `fresh` buyer
 * days and its `months` (per sign, customer and month: revenue), they move each recomputed
 * customer's difference into the first-seen cells and shifts and rewrite what the rollup keeps of
 * them. The profile's month is read as the customer row has it now: a customer without order
 * lines has no fresh row, and what was kept of them is taken back out.
 */
export const RECOMPUTE_SEEN_CTES = `
  seen_fresh AS (
    SELECT f.customer_id, date_trunc('month', c.created_at)::date AS created,
           least(date_trunc('month', c.created_at), date_trunc('month', min(f.day)))::date AS seen
      FROM fresh f JOIN customers c ON c.id = f.customer_id
     GROUP BY f.customer_id, c.created_at
  ), seen_both AS (
    SELECT 1 AS sign, * FROM seen_fresh
    UNION ALL
    SELECT -1, s.customer_id, s.created, s.seen FROM audience_buyer_seen s JOIN dirty USING (customer_id)
  ), seen_cell_changes AS (
    INSERT INTO audience_seen_cohort_cells AS c (cohort, month, customers, revenue)
    SELECT s.seen, m.month, sum(m.sign), sum(m.sign * m.revenue)
      FROM months m JOIN seen_both s USING (sign, customer_id)
     GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (cohort, month) DO UPDATE
      SET customers = c.customers + excluded.customers, revenue = c.revenue + excluded.revenue
  ), seen_shift_changes AS (
    INSERT INTO audience_seen_shifts AS s (month, customers)
    SELECT month, sum(n)
      FROM (SELECT seen AS month, sign AS n FROM seen_both WHERE seen < created
            UNION ALL
            SELECT created, -sign FROM seen_both WHERE seen < created) x
     GROUP BY 1 ORDER BY 1
    ON CONFLICT (month) DO UPDATE SET customers = s.customers + excluded.customers
  ), seen_written AS (
    INSERT INTO audience_buyer_seen AS b (customer_id, created, seen)
    SELECT * FROM seen_fresh ORDER BY 1
    ON CONFLICT (customer_id) DO UPDATE SET created = excluded.created, seen = excluded.seen
  ), seen_gone AS (
    DELETE FROM audience_buyer_seen b USING dirty d
     WHERE b.customer_id = d.customer_id AND NOT EXISTS (SELECT FROM seen_fresh f WHERE f.customer_id = d.customer_id)
  )`;

/** Per first-seen month from $1 to $2 (YYYY-MM): how many customers were first seen then. */
export const SEEN_COHORT_SIZES = `
  WITH bounds AS (SELECT to_date($1, 'YYYY-MM') AS first, to_date($2, 'YYYY-MM') AS last)
  SELECT to_char(cohort, 'YYYY-MM') AS cohort, sum(n)::int AS customers
    FROM (SELECT date_trunc('month', created_at)::date AS cohort, count(*) AS n FROM customers, bounds
           WHERE merged_into IS NULL AND created_at >= first AND created_at < last + interval '1 month'
           GROUP BY 1
          UNION ALL
          SELECT month, customers FROM audience_seen_shifts, bounds WHERE month BETWEEN first AND last) x
   GROUP BY cohort HAVING sum(n) <> 0
   ORDER BY cohort`;
