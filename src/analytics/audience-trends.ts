// Trends: events by type, revenue, orders, conversions and messages per day or week of a period,
// beside the same points of the period before. Events, orders and conversions come from daily
// rollups (tens of rows a day, whatever the traffic); messages too, but for their last 8 days,
// read from their created_at index while their statuses may still change.
import type { Db } from '../db/prisma';
import { analyticsRows } from './audience-sql';
import { addDays, daysBetween, previousPeriod } from './audience-period';
import { refreshForRead } from './audience-rollups';

interface Measures {
  events: Record<string, number>;
  revenue: number;
  orders: number;
  conversions: number;
  messages: Record<string, number>;
}

type DayRow = { day: string; measure: string; key: string; n: string };

/** Per UTC day in [$1, $2]: events by type, orders, revenue, conversions and messages by status. */
const DAYS = `
  SELECT to_char(day, 'YYYY-MM-DD') AS day, 'events' AS measure, type AS key, sum(n)::text AS n
    FROM (SELECT day, type, n FROM audience_event_days WHERE day BETWEEN $1::date AND $2::date
          UNION ALL
          SELECT day, type, n FROM audience_event_deltas WHERE day BETWEEN $1::date AND $2::date) e
   GROUP BY 1, 3
  UNION ALL
  SELECT to_char(day, 'YYYY-MM-DD'), m.measure, '', m.n
    FROM audience_order_days, LATERAL (VALUES ('orders', orders::text), ('revenue', revenue::text)) m(measure, n)
   WHERE day BETWEEN $1::date AND $2::date
  UNION ALL
  SELECT to_char(day, 'YYYY-MM-DD'), 'conversions', '', sum(n)::text FROM program_daily_counts
   WHERE measure = 'converted' AND day BETWEEN $1::date AND $2::date GROUP BY 1
  UNION ALL
  SELECT to_char(day, 'YYYY-MM-DD'), 'messages', status, n::text FROM audience_message_days
   WHERE day BETWEEN $1::date AND $2::date
     AND day <= (SELECT through FROM audience_watermarks WHERE name = 'messages')
  UNION ALL
  SELECT to_char(created_at, 'YYYY-MM-DD'), 'messages', status, count(*)::text FROM messages
   WHERE created_at >= greatest($1::date, (SELECT through + 1 FROM audience_watermarks WHERE name = 'messages'))
     AND created_at < $2::date + 1
   GROUP BY 1, 3`;

const empty = (): Measures => ({ events: {}, revenue: 0, orders: 0, conversions: 0, messages: {} });

function add(m: Measures, r: DayRow): void {
  const n = Number(r.n);
  if (r.measure === 'events') m.events[r.key] = (m.events[r.key] ?? 0) + n;
  else if (r.measure === 'messages') m.messages[r.key] = (m.messages[r.key] ?? 0) + n;
  else if (r.measure === 'revenue') m.revenue = Math.round((m.revenue + n) * 100) / 100;
  else if (r.measure === 'orders') m.orders += n;
  else m.conversions += n;
}

export async function audienceTrends(db: Db, q: { from: string; to: string; interval: 'day' | 'week' }) {
  await refreshForRead(db);
  const previous = previousPeriod(q);
  const rows = await analyticsRows<DayRow>(db, DAYS, [previous.from, q.to]);
  const step = q.interval === 'week' ? 7 : 1;
  const points = Array.from({ length: Math.ceil(daysBetween(q.from, q.to) / step) }, (_, i) => ({
    start: addDays(q.from, i * step),
    previousStart: addDays(previous.from, i * step),
    current: empty(),
    previous: empty(),
  }));
  const totals = { current: empty(), previous: empty() };
  for (const r of rows) {
    const inCurrent = r.day >= q.from;
    const offset = daysBetween(inCurrent ? q.from : previous.from, r.day) - 1;
    const point = points[Math.floor(offset / step)]!;
    add(inCurrent ? point.current : point.previous, r);
    add(inCurrent ? totals.current : totals.previous, r);
  }
  return { interval: q.interval, period: { from: q.from, to: q.to }, previousPeriod: previous, points, totals };
}
