// What a population bought and was sent: revenue by product category (all time) and messages sent
// in a recent window, for a segment's current members ($1) or for every customer.
import { sqlRows, type Db } from '../db/prisma';

export interface CategoryRow {
  category: string | null;
  /** numeric, exact, as text */
  revenue: string;
}

const REVENUE = `sum(coalesce(l.price, 0) * l.quantity)::text AS revenue`;

/** Members' lines through the lines' (customer_id, ordered_at) index, one probe per member. */
const MEMBER_CATEGORIES = `
  SELECT p.category, ${REVENUE}
    FROM segment_memberships m
    JOIN order_lines l USING (customer_id)
    JOIN products p ON p.id = l.product_id
   WHERE m.segment_id = $1 AND m.left_at IS NULL
   GROUP BY 1`;

const ALL_CATEGORIES = `
  SELECT p.category, ${REVENUE} FROM order_lines l JOIN products p ON p.id = l.product_id GROUP BY 1`;

/** $2 the window's start as an ISO instant (timestamps are stored as UTC wall time). */
const MEMBER_MESSAGES = `
  SELECT count(*)::int AS n
    FROM segment_memberships m
    JOIN messages s USING (customer_id)
   WHERE m.segment_id = $1 AND m.left_at IS NULL
     AND s.created_at >= ($2::timestamptz AT TIME ZONE 'UTC') AND s.status = 'sent'`;

const ALL_MESSAGES = `
  SELECT count(*)::int AS n FROM messages WHERE created_at >= ($1::timestamptz AT TIME ZONE 'UTC') AND status = 'sent'`;

export const memberCategories = (db: Db, segmentId: string) => sqlRows<CategoryRow>(db, MEMBER_CATEGORIES, [segmentId]);

export const allCategories = (db: Db) => sqlRows<CategoryRow>(db, ALL_CATEGORIES, []);

export async function memberMessagesSent(db: Db, segmentId: string, since: Date): Promise<number> {
  const [row] = await sqlRows<{ n: number }>(db, MEMBER_MESSAGES, [segmentId, since.toISOString()]);
  return row!.n;
}

export async function allMessagesSent(db: Db, since: Date): Promise<number> {
  const [row] = await sqlRows<{ n: number }>(db, ALL_MESSAGES, [since.toISOString()]);
  return row!.n;
}
