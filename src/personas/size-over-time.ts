// A segment's size at the end of each day or week of a period, from its membership spells: a
// customer counts at the end of a day when a spell of theirs had begun by then and not yet ended.
import { sqlRows, type Db } from '../db/prisma';
import { addDays, daysBetween } from './period';

/**
 * Spells entered (+1) and left (-1) per day of the period, by the day's index from $2 (the first
 * day); those before the period as day -1. At the end of day i, members = entered by then - left by then.
 */
const CHANGES = `
  SELECT greatest(day, -1) AS day, sum(n)::int AS n FROM (
    SELECT entered_at::date - $2::date AS day, 1 AS n
      FROM segment_memberships WHERE segment_id = $1 AND entered_at < $3::date
    UNION ALL
    SELECT left_at::date - $2::date, -1
      FROM segment_memberships WHERE segment_id = $1 AND left_at < $3::date
  ) x GROUP BY 1`;

export interface SizePoint {
  start: string;
  end: string;
  members: number;
}

export async function sizeOverTime(
  db: Db,
  segmentId: string,
  period: { from: string; to: string },
  interval: 'day' | 'week',
): Promise<SizePoint[]> {
  const days = daysBetween(period.from, period.to);
  const rows = await sqlRows<{ day: number; n: number }>(db, CHANGES, [segmentId, period.from, addDays(period.to, 1)]);
  const change = new Map(rows.map((r) => [r.day, r.n]));
  let members = change.get(-1) ?? 0;
  const atEndOf = Array.from({ length: days }, (_, i) => (members += change.get(i) ?? 0));
  const step = interval === 'day' ? 1 : 7;
  const points: SizePoint[] = [];
  for (let i = 0; i < days; i += step) {
    const last = Math.min(i + step, days) - 1;
    points.push({ start: addDays(period.from, i), end: addDays(period.from, last), members: atEndOf[last]! });
  }
  return points;
}
