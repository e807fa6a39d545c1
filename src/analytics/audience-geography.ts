// Geography: per country and region (the customer's current computed traits), customers, those who
// ordered in the period, their revenue and the share who ordered. Customers per place come from the
// (country, region) index of customer_traits; buyers from the per-customer order days.
import type { Db } from '../db/prisma';
import { analyticsRows } from './audience-sql';
import { ratio, utcDayAfter } from './audience-period';
import { refreshForRead } from './audience-rollups';

type Row = { country: string | null; region: string | null; customers: number; buyers: number; revenue: string };

/** $1 first day, $2 the day after the last. */
const PLACES = `
  WITH located AS (
    SELECT country, region, count(*)::int AS customers FROM customer_traits GROUP BY 1, 2
  ), bought AS (
    SELECT t.country, t.region, count(*)::int AS buyers, sum(b.revenue) AS revenue
      FROM (SELECT customer_id, sum(revenue) AS revenue FROM audience_buyer_days
             WHERE day >= $1::date AND day < $2::date GROUP BY 1) b
      JOIN customer_traits t USING (customer_id)
     GROUP BY 1, 2
  )
  SELECT l.country, l.region, l.customers, coalesce(b.buyers, 0) AS buyers, coalesce(b.revenue, 0)::text AS revenue
    FROM located l LEFT JOIN bought b
      ON b.country IS NOT DISTINCT FROM l.country AND b.region IS NOT DISTINCT FROM l.region`;

interface Place {
  customers: number;
  buyers: number;
  revenue: number;
  conversion: number;
}

const sum = (rows: Row[]): Place => {
  const customers = rows.reduce((n, r) => n + r.customers, 0);
  const buyers = rows.reduce((n, r) => n + r.buyers, 0);
  const cents = rows.reduce((n, r) => n + Math.round(Number(r.revenue) * 100), 0);
  return { customers, buyers, revenue: cents / 100, conversion: ratio(buyers, customers) };
};

export async function audienceGeography(db: Db, q: { from: string; to: string }) {
  await refreshForRead(db);
  const rows = await analyticsRows<Row>(db, PLACES, [q.from, utcDayAfter(q.to)]);
  const byCountry = new Map<string | null, Row[]>();
  for (const r of rows) byCountry.set(r.country, [...(byCountry.get(r.country) ?? []), r]);
  const countries = [...byCountry.entries()].map(([country, regions]) => ({
    country,
    ...sum(regions),
    regions: regions
      .map((r) => ({ region: r.region, ...sum([r]) }))
      .sort((a, b) => b.customers - a.customers || (a.region ?? '').localeCompare(b.region ?? '')),
  }));
  countries.sort((a, b) => b.customers - a.customers || (a.country ?? '').localeCompare(b.country ?? ''));
  return { period: { from: q.from, to: q.to }, countries };
}
