// Which customers are members of which segments now: one row per (segment, customer) with
// `member`. Several segments are judged in one pass over each customer: one join of the
// customer's row, traits and profile, and one scan of their events computing every segment's
// aggregates, then each segment's predicate on that row. After an event that touches a dozen
// segments, the customer's events are read once, not once a segment.
import type { CompiledSegment } from './compile-segment';
import { textLiteral } from './condition-sql';

export interface SegmentToEvaluate {
  id: string;
  version: number;
  /** Compiled with a prefix of its own when evaluated with others (compileSegment's `prefix`). */
  compiled: CompiledSegment;
}

/** `customers`: an SQL list of customer ids, or '' for every customer; `now` an SQL timestamp. */
export function targetSql(segments: readonly SegmentToEvaluate[], customers: string, now: string): string {
  const aggregates = segments.flatMap((s) => s.compiled.aggregates);
  if (new Set(aggregates.map((a) => a.slice(a.lastIndexOf(' AS ')))).size !== aggregates.length)
    throw new Error('segments evaluated together need aggregates of distinct names (compileSegment prefix)');
  const types = [...new Set(segments.flatMap((s) => s.compiled.eventTypes))];
  const lookbackMs = Math.max(0, ...segments.map((s) => s.compiled.lookbackMs));
  const agg = aggregates.length
    ? `LEFT JOIN (SELECT e.customer_id, ${aggregates.join(', ')}
                    FROM events e
                   WHERE e.type IN (${types.map(textLiteral).join(', ')})
                     AND e.occurred_at > ${now} - INTERVAL '${lookbackMs} milliseconds'
                     AND e.occurred_at <= ${now}${customers ? ` AND e.customer_id IN (${customers})` : ''}
                   GROUP BY e.customer_id) agg ON agg.customer_id = c.id`
    : '';
  // The profile as conditions see it (src/customers/profile-scope.ts): stored traits, then
  // identifiers (the later of one kind wins), then id, tags and time zone.
  const profile = segments.some((s) => s.compiled.readsProfile)
    ? `CROSS JOIN LATERAL (SELECT c.traits
          || coalesce((SELECT jsonb_object_agg(i.kind, i.value ORDER BY i.ctid) FROM customer_identifiers i
                        WHERE i.customer_id = c.id), '{}'::jsonb)
          || jsonb_build_object('id', c.id, 'tags', to_jsonb(c.tags), 'timezone', c.timezone) AS profile) p`
    : '';
  const judged = segments
    .map((s) => `(${textLiteral(s.id)}::text, ${s.version}, ${s.compiled.predicate})`)
    .join(',\n                 ');
  return `SELECT v.segment_id, v.version, c.id AS customer_id, v.member
            FROM customers c LEFT JOIN customer_traits t ON t.customer_id = c.id ${agg} ${profile}
            CROSS JOIN LATERAL (VALUES ${judged}) AS v(segment_id, version, member)
           WHERE c.merged_into IS NULL${customers ? ` AND c.id IN (${customers})` : ''}`;
}
