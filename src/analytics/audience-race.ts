// The RACE view: distinct customers reached, acting, converting and engaging in a period (the route
// says exactly what each counts). Each counts the customers' active days of one kind
// (audience-activity.ts): a customer active in [from, to) has exactly one day there whose previous
// day of that kind is before `from` (or who has none), so each count sums the cells of
// audience_active_counts for the period's days with a previous day before it: days × previous
// days, however many customers. The days of messages not closed yet are read from messages.
import type { Db } from '../db/prisma';
import { analyticsRows } from './audience-sql';
import { utcDayAfter } from './audience-period';
import { refreshForRead } from './audience-rollups';

/** $1 first day, $2 the day after the last, $3 the kinds. */
const ACTIVE = `
  SELECT kind, sum(n)::int AS n FROM audience_active_counts
   WHERE kind = ANY($3::text[]) AND day >= $1::date AND day < $2::date AND prev_day < $1::date
   GROUP BY kind`;

const KINDS = ['delivered', 'acted', 'email-engaged', 'visited', 'bought', 'bought-again'];

/**
 * Customers sent a message: those of the closed days, then the customers sent one on a later day
 * of the period (from the messages' created_at index: 8 days at most) who had none before, each
 * probed by key (a lateral with LIMIT, which the planner cannot turn into hashing every customer's
 * messaged days of the period: 1.2 s for 90 days at 1M messages).
 */
const MESSAGED = `
  WITH mark AS (SELECT (SELECT through FROM audience_watermarks WHERE name = 'messages') AS through)
  SELECT (SELECT coalesce(sum(n), 0) FROM audience_active_counts, mark
           WHERE kind = 'messaged' AND day >= $1::date AND day < $2::date AND day <= mark.through
             AND prev_day < $1::date)::int
       + (SELECT count(*) FROM (
           SELECT DISTINCT m.customer_id FROM messages m CROSS JOIN mark
             LEFT JOIN LATERAL (SELECT true AS had FROM audience_active_days d
                                 WHERE d.customer_id = m.customer_id AND d.kind = 'messaged'
                                   AND d.day >= $1::date AND d.day <= mark.through LIMIT 1) earlier ON true
            WHERE m.created_at >= greatest($1::date, mark.through + 1) AND m.created_at < $2::date
              AND m.status = 'sent' AND earlier.had IS NULL) open)::int AS n`;

export async function audienceRace(db: Db, q: { from: string; to: string }) {
  await refreshForRead(db);
  const range = [q.from, utcDayAfter(q.to)];
  const [[messaged], active] = await Promise.all([
    analyticsRows<{ n: number }>(db, MESSAGED, range),
    analyticsRows<{ kind: string; n: number }>(db, ACTIVE, [...range, KINDS]),
  ]);
  const of = (kind: string) => active.find((r) => r.kind === kind)?.n ?? 0;
  return {
    period: { from: q.from, to: q.to },
    reach: { messaged: messaged!.n, delivered: of('delivered') },
    act: { customers: of('acted'), emailEngaged: of('email-engaged'), visited: of('visited') },
    convert: { customers: of('bought') },
    engage: { customers: of('bought-again') },
  };
}
