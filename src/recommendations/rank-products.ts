// Ranks products for a customer in one query: co-purchase affinity with the seed products, a fit
// term for items that go with them (a category the seeds pair with, or a seed's collection) and a
// boost for overstock. Candidates come from the precomputed tables (co-purchases.ts); stock,
// ownership and every score term are read live, so owned and out-of-stock products never appear.
import type { Db } from '../db/prisma';
import type { Recommendation } from '../core/state';
import { CANDIDATE_SLACK, SCORE_WEIGHTS, type ScoreWeights } from './scoring';

/**
 * Seeds are `seedIds`, or the products of the customer's last order when it is empty.
 *
 * Candidates: each seed's co-purchase neighbours, plus the best (count + slack) entries of the
 * shortlists the seeds select (the categories they pair with, their collections, overall
 * overstock), ordered as they would score on fit and overstock alone. Only these are looked up.
 * The `ANY((SELECT ...)::text[])` arrays are deliberate: the planner cannot see into them, so it
 * probes primary keys for the candidates instead of hashing the whole catalogue.
 */
export async function rankProducts(
  db: Db,
  input: { customerId: string; seedIds: string[]; count: number },
  w: ScoreWeights = SCORE_WEIGHTS,
): Promise<Recommendation[]> {
  const { customerId, seedIds, count } = input;
  const rows = await db.$queryRaw<{ id: string; name: string; price: string | null; score: number }[]>`
    WITH seed_ids AS MATERIALIZED (
      SELECT CASE WHEN cardinality(${seedIds}::text[]) > 0 THEN ${seedIds}::text[] ELSE ARRAY(
        SELECT product_id FROM order_lines WHERE customer_id = ${customerId} AND order_id = (
          SELECT order_id FROM order_lines WHERE customer_id = ${customerId}
           ORDER BY ordered_at DESC, order_id DESC LIMIT 1)) END AS ids
    ),
    seeds AS MATERIALIZED (SELECT category, attributes FROM products
                            WHERE id = ANY((SELECT ids FROM seed_ids)::text[])),
    fit AS MATERIALIZED (
      SELECT
        ARRAY(SELECT DISTINCT e #>> '{}' FROM seeds,
          jsonb_array_elements(CASE WHEN jsonb_typeof(attributes -> 'pairsWith') = 'array'
                                    THEN attributes -> 'pairsWith' ELSE '[]' END) e
          WHERE jsonb_typeof(e) = 'string') AS categories,
        ARRAY(SELECT DISTINCT attributes ->> 'collection' FROM seeds
               WHERE jsonb_typeof(attributes -> 'collection') = 'string') AS collections
    ),
    co AS (
      SELECT other_id AS id, sum(customers)::float8 AS n, max(other_buyers) AS buyers FROM product_co_purchases
      WHERE product_id = ANY((SELECT ids FROM seed_ids)::text[]) GROUP BY other_id
    ),
    shortlisted AS (
      SELECT product_id AS id, max(buyers) AS buyers,
        max(CASE WHEN list = 'overstock' THEN 0 ELSE ${w.fit}::float8 END + ${w.overstock}::float8 * overstock) AS score
      FROM product_shortlists
      WHERE rank <= ${count + CANDIDATE_SLACK} AND list = ANY((SELECT ARRAY['overstock']
        || ARRAY(SELECT 'category:' || c FROM unnest(categories) c)
        || ARRAY(SELECT 'collection:' || c FROM unnest(collections) c) FROM fit)::text[])
      GROUP BY product_id ORDER BY score DESC, buyers DESC, product_id LIMIT ${count + CANDIDATE_SLACK}
    ),
    candidates AS (
      SELECT id, max(n) AS n, max(buyers) AS buyers FROM (
        SELECT id, n, buyers FROM co
        UNION ALL SELECT id, 0, buyers FROM shortlisted
        -- Never refreshed (a new install, the demo): all products; exact, and fine while the catalogue is small.
        UNION ALL
        SELECT id, 0, NULL FROM products WHERE NOT EXISTS (SELECT 1 FROM product_shortlists)
      ) c GROUP BY id
    )
    SELECT p.id, p.name, p.price::text AS price,
      ${w.coPurchase}::float8 * c.n / (SELECT greatest(max(n), 1) FROM co)
      + ${w.fit}::float8 * (CASE WHEN p.category = ANY((SELECT categories FROM fit)::text[])
          OR p.attributes ->> 'collection' = ANY((SELECT collections FROM fit)::text[]) THEN 1 ELSE 0 END)
      + ${w.overstock}::float8 * (CASE WHEN p.target_stock > 0 AND p.stock > p.target_stock
          THEN least(1, (p.stock - p.target_stock)::float8 / p.target_stock) ELSE 0 END) AS score
    FROM products p JOIN candidates c ON c.id = p.id
    WHERE p.id = ANY((SELECT array_agg(id) FROM candidates)::text[])
      AND p.stock > 0 AND NOT (p.id = ANY((SELECT ids FROM seed_ids)::text[]))
      AND p.id NOT IN (SELECT product_id FROM order_lines WHERE customer_id = ${customerId})
    ORDER BY score DESC, c.buyers DESC NULLS LAST, p.id
    LIMIT ${count}`;
  // Sorted by score, so dropping the zeros keeps the top of what qualifies.
  return rows
    .filter((r) => r.score > 0)
    .map((r) => ({
      productId: r.id,
      name: r.name,
      price: r.price === null ? null : Number(r.price),
      score: Number(r.score.toFixed(4)),
    }));
}
