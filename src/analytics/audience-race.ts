// The RACE view: distinct customers reached, acting, converting and engaging in a period (the route
// says exactly what each counts). Each count is an index-only range scan: messages by created_at,
// events by (type, occurred_at), buyers from the per-customer order days.
import type { Db } from '../db/prisma';
import { analyticsRows } from './audience-sql';
import { utcDayAfter } from './audience-period';
import { refreshForRead } from './audience-rollups';

const EMAIL_ACTS = ['email_opened', 'email_clicked'];
const VISITS = ['page_view', 'site_visit'];

/**
 * $1 first day, $2 the day after the last. Each counts customers after grouping by customer (one
 * hash aggregate) rather than with count(DISTINCT), which sorts every row once per count.
 */
const MESSAGED = `
  SELECT count(*)::int AS n FROM (
    SELECT DISTINCT customer_id FROM messages
     WHERE created_at >= $1::timestamp AND created_at < $2::timestamp AND status = 'sent') m`;
const DELIVERED = `
  SELECT count(*)::int AS n FROM (
    SELECT DISTINCT customer_id FROM events
     WHERE type = 'email_delivered' AND occurred_at >= $1::timestamp AND occurred_at < $2::timestamp) e`;
const ACTED = `
  SELECT count(*)::int AS customers, count(*) FILTER (WHERE email)::int AS email,
         count(*) FILTER (WHERE visited)::int AS visited
    FROM (SELECT customer_id, bool_or(type = ANY($3::text[])) AS email, bool_or(type = ANY($4::text[])) AS visited
            FROM events
           WHERE type = ANY($3::text[] || $4::text[]) AND occurred_at >= $1::timestamp AND occurred_at < $2::timestamp
           GROUP BY customer_id) e`;
const BOUGHT = `
  SELECT count(*)::int AS customers,
         count(*) FILTER (WHERE orders >= 2 OR EXISTS (
           SELECT FROM audience_buyer_days p WHERE p.customer_id = b.customer_id AND p.day < $1::date)
         )::int AS repeat
    FROM (SELECT customer_id, sum(orders) AS orders FROM audience_buyer_days
           WHERE day >= $1::date AND day < $2::date GROUP BY 1) b`;

export async function audienceRace(db: Db, q: { from: string; to: string }) {
  const range = [q.from, utcDayAfter(q.to)];
  const [[messaged], [delivered], [acted], [bought]] = await Promise.all([
    analyticsRows<{ n: number }>(db, MESSAGED, range),
    analyticsRows<{ n: number }>(db, DELIVERED, range),
    analyticsRows<{ customers: number; email: number; visited: number }>(db, ACTED, [...range, EMAIL_ACTS, VISITS]),
    refreshForRead(db).then(() => analyticsRows<{ customers: number; repeat: number }>(db, BOUGHT, range)),
  ]);
  return {
    period: { from: q.from, to: q.to },
    reach: { messaged: messaged!.n, delivered: delivered!.n },
    act: { customers: acted!.customers, emailEngaged: acted!.email, visited: acted!.visited },
    convert: { customers: bought!.customers },
    engage: { customers: bought!.repeat },
  };
}
