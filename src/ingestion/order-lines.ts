// A purchase event's lines become order lines, which feed recommendations and purchase cadence.
import type { Prisma } from '../../generated/prisma/client';
import { markBuyers } from '../analytics/audience-writes';

interface Line {
  productId: string;
  quantity: number;
  price: number | null;
}

/** Records `properties.items[]` of a purchase (needs `properties.orderId`); unknown products are skipped. */
export async function recordOrderLines(
  tx: Prisma.TransactionClient,
  customerId: string,
  orderedAt: Date,
  properties: Record<string, unknown>,
): Promise<void> {
  const orderId = properties.orderId;
  if (typeof orderId !== 'string' || !Array.isArray(properties.items)) return;
  const lines = properties.items.flatMap((raw): Line[] => {
    const item = raw as Record<string, unknown>;
    if (typeof item?.productId !== 'string') return [];
    return [
      {
        productId: item.productId,
        quantity: Number(item.quantity ?? 1) || 1,
        price: typeof item.price === 'number' ? item.price : null,
      },
    ];
  });
  if (lines.length === 0) return;
  // One statement for the order. Of two items naming one product, the first is kept, as the key allows one.
  await tx.$executeRawUnsafe(
    `INSERT INTO order_lines (order_id, product_id, customer_id, quantity, price, ordered_at)
     SELECT $1, item.product_id, $2, item.quantity, item.price, $3
       FROM unnest($4::text[], $5::int[], $6::numeric[]) WITH ORDINALITY AS item(product_id, quantity, price, n)
      WHERE EXISTS (SELECT 1 FROM products WHERE id = item.product_id)
      ORDER BY item.n
     ON CONFLICT DO NOTHING`,
    orderId,
    customerId,
    orderedAt,
    lines.map((l) => l.productId),
    lines.map((l) => l.quantity),
    lines.map((l) => l.price),
  );
  await markBuyers(tx, [customerId]);
}
