// The computed traits as conditions, templates and the API see them: the customer_traits row as
// stored, and what is derived from it at the moment it is read (averages, days since, cadence).
// The names are those of SEGMENT_TRAITS (src/contracts/program-language/segment-schema.ts), and
// the derived values are computed as the segments' SQL computes them (src/segments/trait-sql.ts).
import { sqlRows, type Db } from '../db/prisma';

export interface ComputedTraits {
  orderCount: number;
  totalSpent: number;
  /** Total spent over orders, to the cent; null before the first order. */
  averageOrderValue: number | null;
  firstPurchaseAt: string | null;
  lastPurchaseAt: string | null;
  /** Whole days since the last purchase, rounded down. */
  daysSinceLastPurchase: number | null;
  /** Mean days between orders (first to last over the gaps), to a tenth; needs two orders. */
  purchaseCadenceDays: number | null;
  favouriteCategory: string | null;
  value12m: number;
  opens30d: number;
  clicks30d: number;
  /** Quintiles among buyers, 5 the best; null until the schedule's first run after the first purchase. */
  rfm: { recency: number | null; frequency: number | null; monetary: number | null };
  country: string | null;
  region: string | null;
}

/**
 * The columns of the customer_traits row aliased `alias` (LEFT JOINed: all null when there is no
 * row), and the time of the read. Instants as timestamptz (pg reads `timestamp` in the process's
 * zone, and they hold UTC), amounts as text (exact). Prefixed, to sit in a caller's row.
 */
export function traitColumnsSql(alias: string): string {
  return `
    ${alias}.order_count AS trait_order_count, ${alias}.total_spent::text AS trait_total_spent,
    ${alias}.first_purchase_at AT TIME ZONE 'UTC' AS trait_first_at,
    ${alias}.last_purchase_at AT TIME ZONE 'UTC' AS trait_last_at,
    ${alias}.favourite_category AS trait_favourite_category, ${alias}.value_12m::text AS trait_value_12m,
    ${alias}.opens_30d AS trait_opens_30d, ${alias}.clicks_30d AS trait_clicks_30d,
    ${alias}.rfm_recency AS trait_rfm_recency, ${alias}.rfm_frequency AS trait_rfm_frequency,
    ${alias}.rfm_monetary AS trait_rfm_monetary, ${alias}.country AS trait_country, ${alias}.region AS trait_region,
    now() AS trait_read_at`;
}

export interface TraitColumns {
  trait_order_count: number | null;
  trait_total_spent: string | null;
  trait_first_at: Date | null;
  trait_last_at: Date | null;
  trait_favourite_category: string | null;
  trait_value_12m: string | null;
  trait_opens_30d: number | null;
  trait_clicks_30d: number | null;
  trait_rfm_recency: number | null;
  trait_rfm_frequency: number | null;
  trait_rfm_monetary: number | null;
  trait_country: string | null;
  trait_region: string | null;
  trait_read_at: Date;
}

const DAY_MS = 86_400_000;

/** The traits of a row read with traitColumnsSql; no row (all null) is a customer with nothing yet. */
export function traitValues(row: TraitColumns | undefined): ComputedTraits {
  const orderCount = row?.trait_order_count ?? 0;
  const totalSpent = Number(row?.trait_total_spent ?? 0);
  const first = row?.trait_first_at ?? null;
  const last = row?.trait_last_at ?? null;
  const readAt = row?.trait_read_at ?? new Date();
  return {
    orderCount,
    totalSpent,
    // In whole cents, so that a tie rounds as PostgreSQL's round(numeric) does, not as a float falls.
    averageOrderValue: orderCount > 0 ? Math.round(Math.round(totalSpent * 100) / orderCount) / 100 : null,
    firstPurchaseAt: first?.toISOString() ?? null,
    lastPurchaseAt: last?.toISOString() ?? null,
    daysSinceLastPurchase: last ? Math.floor((readAt.getTime() - last.getTime()) / DAY_MS) : null,
    purchaseCadenceDays:
      orderCount > 1 && first && last
        ? Math.round(((last.getTime() - first.getTime()) / DAY_MS / (orderCount - 1)) * 10) / 10
        : null,
    favouriteCategory: row?.trait_favourite_category ?? null,
    value12m: Number(row?.trait_value_12m ?? 0),
    opens30d: row?.trait_opens_30d ?? 0,
    clicks30d: row?.trait_clicks_30d ?? 0,
    rfm: {
      recency: row?.trait_rfm_recency ?? null,
      frequency: row?.trait_rfm_frequency ?? null,
      monetary: row?.trait_rfm_monetary ?? null,
    },
    country: row?.trait_country ?? null,
    region: row?.trait_region ?? null,
  };
}

/** A customer's computed traits, as the customer API answers them. */
export async function loadComputedTraits(db: Db, customerId: string): Promise<ComputedTraits> {
  const [row] = await sqlRows<TraitColumns>(
    db,
    `SELECT ${traitColumnsSql('t')} FROM (SELECT) one LEFT JOIN customer_traits t ON t.customer_id = $1`,
    [customerId],
  );
  return traitValues(row);
}
