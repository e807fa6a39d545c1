// Product recommendations for a customer: co-purchase affinity with the seed products (the
// triggering purchase, else the last order), a fit term for items that go with the seeds, and a
// boost for overstock; owned and out-of-stock products never appear.
import type { CustomerEvent, Recommendation } from '../workflows/journey/state';
import type { ActivityDeps } from './deps';

export const SCORE_WEIGHTS = { coPurchase: 1, fit: 0.5, overstock: 0.3 } as const;

export function createRecommendationActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    async recommendProducts(input: { customerId: string; entryEvent: CustomerEvent; count: number }): Promise<Recommendation[]> {
      const seeds = seedProducts(input.entryEvent) ?? (await lastOrderProducts(db, input.customerId));
      const w = SCORE_WEIGHTS;
      const rows = await db.$queryRaw<{ id: string; name: string; price: string | null; score: number }[]>`
        WITH seeds AS (SELECT id, category, attributes FROM products WHERE id = ANY(${seeds})),
        co AS (
          SELECT b.product_id, count(DISTINCT b.customer_id)::float AS n
          FROM order_lines a JOIN order_lines b ON a.customer_id = b.customer_id AND a.product_id <> b.product_id
          WHERE a.product_id = ANY(${seeds}) GROUP BY b.product_id
        ),
        co_max AS (SELECT greatest(max(n), 1) AS m FROM co),
        scored AS (
          SELECT p.id, p.name, p.price::text AS price,
            ${w.coPurchase}::float8 * coalesce(co.n, 0) / (SELECT m FROM co_max)
            + ${w.fit}::float8 * (CASE WHEN EXISTS (
                SELECT 1 FROM seeds s WHERE (s.attributes -> 'pairsWith') @> to_jsonb(coalesce(p.category, ''))
                  OR (s.attributes ->> 'collection' IS NOT NULL AND s.attributes ->> 'collection' = p.attributes ->> 'collection'))
              THEN 1 ELSE 0 END)
            + ${w.overstock}::float8 * (CASE WHEN p.target_stock > 0 AND p.stock > p.target_stock
              THEN least(1.0, (p.stock - p.target_stock)::float / p.target_stock) ELSE 0 END) AS score
          FROM products p LEFT JOIN co ON co.product_id = p.id
          WHERE p.stock > 0 AND NOT (p.id = ANY(${seeds}))
            AND NOT EXISTS (SELECT 1 FROM order_lines o WHERE o.customer_id = ${input.customerId} AND o.product_id = p.id)
        )
        SELECT id, name, price, score FROM scored WHERE score > 0 ORDER BY score DESC, id LIMIT ${input.count}`;
      return rows.map((r) => ({ productId: r.id, name: r.name, price: r.price === null ? null : Number(r.price), score: Number(r.score.toFixed(4)) }));
    },
  };
}

/** Product ids of a purchase event: `properties.items[].productId` or `properties.productId`. */
function seedProducts(event: CustomerEvent): string[] | null {
  const { items, productId } = event.properties as { items?: unknown; productId?: unknown };
  if (Array.isArray(items)) {
    const ids = items.map((i) => (i as { productId?: unknown }).productId).filter((id): id is string => typeof id === 'string');
    if (ids.length) return ids;
  }
  return typeof productId === 'string' ? [productId] : null;
}

async function lastOrderProducts(db: ActivityDeps['db'], customerId: string): Promise<string[]> {
  const last = await db.orderLine.findFirst({ where: { customerId }, orderBy: { orderedAt: 'desc' } });
  if (!last) return [];
  const lines = await db.orderLine.findMany({ where: { orderId: last.orderId }, select: { productId: true } });
  return lines.map((l) => l.productId);
}
