// The statements that describe a population of customers (a segment's current members, or every
// customer) from their computed traits: totals, the median total spent, and counts by country. A
// customer without a customer_traits row has no purchases, no engagement and no known country.
import { sqlRows, type Db } from '../db/prisma';

/** Sums as text: numeric and bigint, exact, turned into numbers by the caller. */
export interface ProfileRow {
  customers: number;
  spent: string;
  orders: string;
  buyers: number;
  opens: string;
  clicks: string;
  /** Total spent in cents, at the middle (the mean of the two middle ones for an even count); null for nobody. */
  median_cents: number | null;
}

export interface CountryRow {
  country: string | null;
  customers: number;
}

const AGGREGATES = `
  count(*)::int AS customers, coalesce(sum(total_spent), 0)::text AS spent,
  coalesce(sum(order_count), 0)::text AS orders, count(*) FILTER (WHERE order_count > 0)::int AS buyers,
  coalesce(sum(opens_30d), 0)::text AS opens, coalesce(sum(clicks_30d), 0)::text AS clicks,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY (coalesce(total_spent, 0) * 100)::float8) AS median_cents`;

/**
 * $1 the segment. Its members from the open spells' index, each with their traits row, read once
 * for both the aggregates and the countries.
 */
const MEMBERS = `
  WITH p AS MATERIALIZED (
    SELECT t.total_spent, t.order_count, t.opens_30d, t.clicks_30d, t.country
      FROM segment_memberships m LEFT JOIN customer_traits t USING (customer_id)
     WHERE m.segment_id = $1 AND m.left_at IS NULL
  )
  SELECT ${AGGREGATES},
         (SELECT coalesce(json_agg(c), '[]')
            FROM (SELECT country, count(*)::int AS customers FROM p GROUP BY 1) c) AS countries
    FROM p`;

/**
 * Every customer not merged into another (a merge deletes the merged one's traits row), as their
 * traits rows and, for those without one, rows of nulls.
 */
const EVERYONE = `
  (SELECT total_spent, order_count, opens_30d, clicks_30d, country FROM customer_traits
   UNION ALL
   SELECT NULL, NULL, NULL, NULL, NULL
     FROM generate_series(1, (SELECT count(*) FROM customers WHERE merged_into IS NULL)
                             - (SELECT count(*) FROM customer_traits))) p`;

export interface Population {
  profile: ProfileRow;
  countries: CountryRow[];
}

export async function memberProfile(db: Db, segmentId: string): Promise<Population> {
  const [row] = await sqlRows<ProfileRow & { countries: CountryRow[] }>(db, MEMBERS, [segmentId]);
  const { countries, ...profile } = row!;
  return { profile, countries };
}

export async function baseProfile(db: Db): Promise<Population> {
  const [[profile], countries] = await Promise.all([
    sqlRows<ProfileRow>(db, `SELECT ${AGGREGATES} FROM ${EVERYONE}`, []),
    sqlRows<CountryRow>(db, `SELECT country, count(*)::int AS customers FROM ${EVERYONE} GROUP BY 1`, []),
  ]);
  return { profile: profile!, countries };
}
