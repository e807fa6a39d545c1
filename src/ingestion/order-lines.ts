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
  for (const line of lines) {
    await tx.$executeRaw`
      INSERT INTO order_lines (order_id, product_id, customer_id, quantity, price, ordered_at)
      SELECT ${orderId}, ${line.productId}, ${customerId}, ${line.quantity}, ${line.price}, ${orderedAt}
      WHERE EXISTS (SELECT 1 FROM products WHERE id = ${line.productId})
      ON CONFLICT DO NOTHING`;
  }
  if (lines.length) await markBuyers(tx, [customerId]);
}
