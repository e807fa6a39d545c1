// Rebuilds the precomputed recommendation candidates from order lines and the catalogue:
// product_co_purchases ("bought X, also bought Y": customers who bought both, the top neighbours
// of each product) and product_shortlists (per category, per collection and overall: the in-stock
// products that rank best on overstock, then buyers). rankProducts reads only these and a few
// dozen products, so a recommendation costs the same however large order_lines grows.
//
// When to run it: after a bulk import of products or purchases, and on a schedule (hourly is
// plenty). In between, purchases since the last run add no co-purchase affinity, and products,
// categories or collections new since then, products restocked since, or overstock that built up
// since, are not candidates through the fit and overstock terms. Stock and ownership are always
// read live when ranking, so nothing sold out or owned is ever recommended. Cost: a self-join of
// each customer's products (capped below), about 6 s for 75k order lines on 2 busy cores.
import type { Db } from '../db/prisma';
import { CANDIDATES_PER_SOURCE } from './scoring';

/** A customer's most recent distinct products that count: bounds the pairs one heavy buyer adds. */
const RECENT_PRODUCTS_PER_CUSTOMER = 100;

export interface RefreshResult {
  pairs: number;
  shortlisted: number;
}

export async function refreshCoPurchases(db: Db): Promise<RefreshResult> {
  return db.$transaction(
    async (tx) => {
      // Readers see the old rows until commit; two refreshes at once would insert the same keys.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('kairos:refresh-co-purchases'))`;
      await tx.$executeRaw`SET LOCAL work_mem = '64MB'`;
      await tx.$executeRaw`DELETE FROM product_co_purchases`;
      const pairs = await tx.$executeRaw`
        INSERT INTO product_co_purchases (product_id, other_id, customers, other_buyers)
        WITH bought AS (
          SELECT customer_id, product_id FROM (
            SELECT customer_id, product_id,
              row_number() OVER (PARTITION BY customer_id ORDER BY max(ordered_at) DESC, product_id) AS recency
            FROM order_lines GROUP BY customer_id, product_id
          ) b WHERE recency <= ${RECENT_PRODUCTS_PER_CUSTOMER}
        ),
        pairs AS (
          SELECT a.product_id, b.product_id AS other_id, count(*)::int AS customers
          FROM bought a JOIN bought b ON b.customer_id = a.customer_id AND b.product_id <> a.product_id
          GROUP BY a.product_id, b.product_id
        ),
        ranked AS (SELECT *, row_number() OVER (PARTITION BY product_id ORDER BY customers DESC, other_id) AS r
                     FROM pairs),
        buyers AS (SELECT product_id, count(DISTINCT customer_id)::int AS n FROM order_lines GROUP BY product_id)
        SELECT r.product_id, r.other_id, r.customers, b.n FROM ranked r JOIN buyers b ON b.product_id = r.other_id
        WHERE r.r <= ${CANDIDATES_PER_SOURCE}`;
      await tx.$executeRaw`DELETE FROM product_shortlists`;
      const shortlisted = await tx.$executeRaw`
        INSERT INTO product_shortlists (list, rank, product_id, buyers, overstock)
        WITH buyers AS (SELECT product_id, count(DISTINCT customer_id)::int AS n FROM order_lines GROUP BY product_id),
        stocked AS (
          SELECT p.id, p.category, p.attributes, coalesce(b.n, 0) AS buyers,
            CASE WHEN p.target_stock > 0 AND p.stock > p.target_stock
              THEN least(1, (p.stock - p.target_stock)::float8 / p.target_stock) ELSE 0 END AS overstock
          FROM products p LEFT JOIN buyers b ON b.product_id = p.id WHERE p.stock > 0
        ),
        entries AS (
          SELECT l.list, s.id, s.buyers, s.overstock FROM stocked s
          CROSS JOIN LATERAL (VALUES
            ('category:' || s.category),
            (CASE WHEN jsonb_typeof(s.attributes -> 'collection') = 'string'
                  THEN 'collection:' || (s.attributes ->> 'collection') END),
            (CASE WHEN s.overstock > 0 THEN 'overstock' END)) AS l(list)
          WHERE l.list IS NOT NULL
        ),
        ranked AS (SELECT *, row_number() OVER (PARTITION BY list ORDER BY overstock DESC, buyers DESC, id) AS rank
                     FROM entries)
        SELECT list, rank, id, buyers, overstock FROM ranked WHERE rank <= ${CANDIDATES_PER_SOURCE}`;
      await tx.$executeRaw`ANALYZE product_co_purchases, product_shortlists`;
      return { pairs, shortlisted };
    },
    { timeout: 10 * 60_000, maxWait: 60_000 },
  );
}
