// Funnels over raw events: per customer, their first event of the first step's type in the period,
// then for each next step their earliest event of its type after the previous step and within the
// window from the first. One statement, one CTE per step, each a hash join of the previous step's
// customers with the step type's events in range, read from events (type, occurred_at) alone.
import type { FunnelQuery } from '../contracts/requests/audience-queries';
import type { Db } from '../db/prisma';
import { analyticsRows } from './audience-sql';
import { ratio, utcDayAfter } from './audience-period';

export interface FunnelStep {
  type: string;
  customers: number;
  conversion: number;
  stepConversion: number;
  dropOff: number;
}

/**
 * Who each funnel counts: everyone (key null), or a key per program, version or variant a customer
 * entered in the period, or per segment they were in at their first step. $3 is the program.
 */
function groupJoin(q: FunnelQuery): string {
  const entries = (key: string) => `
    JOIN (SELECT DISTINCT customer_id, ${key} AS key FROM journey_steps
           WHERE kind = 'enter' AND outcome = 'entered' AND at >= $1::timestamp AND at < $2::timestamp
             AND ($3::text IS NULL OR program_id = $3)) g ON g.customer_id = f.customer_id`;
  switch (q.split) {
    case 'program':
      return entries('program_id');
    case 'version':
      return entries('version::text');
    case 'variant':
      return entries('variant');
    case 'segment':
      return `JOIN (SELECT customer_id, segment_id AS key, entered_at, left_at FROM segment_memberships) g
                ON g.customer_id = f.customer_id AND g.entered_at <= f.t AND (g.left_at IS NULL OR g.left_at > f.t)
                AND $3::text IS NULL`;
    default:
      return q.program ? entries('NULL::text') : 'CROSS JOIN (SELECT NULL::text AS key WHERE $3::text IS NULL) g';
  }
}

/** $1 from, $2 the day after to, $3 program, $4 window in ms, $5 and on the step types. */
function funnelSql(q: FunnelQuery): string {
  const within = `$4 * interval '1 millisecond'`;
  const steps = [
    `s1 AS (
       SELECT f.customer_id, g.key, f.t AS t1, f.t
         FROM (SELECT customer_id, min(occurred_at) AS t FROM events
                WHERE type = $5 AND occurred_at >= $1::timestamp AND occurred_at < $2::timestamp
                GROUP BY customer_id) f
         ${groupJoin(q)}
     )`,
  ];
  for (let i = 2; i <= q.steps.length; i++)
    steps.push(`s${i} AS (
       SELECT p.customer_id, p.key, p.t1, min(e.occurred_at) AS t
         FROM s${i - 1} p JOIN events e ON e.customer_id = p.customer_id
        WHERE e.type = $${i + 4} AND e.occurred_at >= $1::timestamp AND e.occurred_at < $2::timestamp + ${within}
          AND e.occurred_at > p.t AND e.occurred_at <= p.t1 + ${within}
        GROUP BY 1, 2, 3
     )`);
  const counts = q.steps.map((_, i) => `SELECT key, ${i + 1} AS step, count(*)::int AS n FROM s${i + 1} GROUP BY key`);
  return `WITH ${steps.join(',\n')}\n${counts.join('\nUNION ALL\n')}`;
}

export async function audienceFunnel(db: Db, q: FunnelQuery) {
  const rows = await analyticsRows<{ key: string | null; step: number; n: number }>(db, funnelSql(q), [
    q.from,
    utcDayAfter(q.to),
    q.program ?? null,
    q.window,
    ...q.steps,
  ]);
  const byKey = new Map<string | null, number[]>();
  for (const r of rows) {
    const counts = byKey.get(r.key) ?? q.steps.map(() => 0);
    counts[r.step - 1] = r.n;
    byKey.set(r.key, counts);
  }
  // No split: the one funnel, even when nobody is in it.
  if (!q.split && !byKey.size)
    byKey.set(
      null,
      q.steps.map(() => 0),
    );
  const groups = [...byKey.entries()]
    .sort(([a], [b]) => (a ?? '').localeCompare(b ?? '', 'en', { numeric: true }))
    .map(([key, counts]) => ({
      key,
      steps: counts.map((customers, i): FunnelStep => ({
        type: q.steps[i]!,
        customers,
        conversion: ratio(customers, counts[0]!),
        stepConversion: ratio(customers, i === 0 ? customers : counts[i - 1]!),
        dropOff: i === 0 ? 0 : counts[i - 1]! - customers,
      })),
    }));
  return { period: { from: q.from, to: q.to }, windowHours: q.window / 3_600_000, split: q.split ?? null, groups };
}
