// One statement that evaluates segments for some customers (or all) and writes what changed: the
// spells entered and left (segment_memberships) and an outbox event for each transition, its id
// deterministic (segment, customer, spell, direction), so a retried or concurrent evaluation, or a
// recompute after an event already did it, finds the spell or the event there and writes nothing.
import { escapeLiteral } from 'pg';
import type { CompiledSegment } from './compile-segment';
import { textLiteral } from './condition-sql';
import { countStoredEventsCte } from '../analytics/audience-writes';

export interface SegmentToEvaluate {
  id: string;
  version: number;
  compiled: CompiledSegment;
}

export interface TransitionOptions {
  /** Only these customers; every customer when absent. */
  customerIds?: readonly string[];
  now: Date;
  /** When the relay may take the events (the API delivers them itself first: a grace period). */
  nextAttemptAt: Date;
  /** Event types no program references: stored delivered and `unreferenced`, never signalled. */
  unreferenced: { entered: boolean; left: boolean };
  /** Answer the counts entered and left (a `TransitionSummary`) instead of every event. */
  summary?: boolean;
}

export interface TransitionSummary {
  entered: number;
  left: number;
}

/** A stored transition event, as the statement returns it. */
export interface TransitionRow {
  id: string;
  customer_id: string;
  type: 'segment_entered' | 'segment_left';
  properties: { segment: string; version: number };
  delivered: boolean;
}

const utc = (d: Date) => `TIMESTAMP ${textLiteral(d.toISOString().replace('T', ' ').replace('Z', ''))}`;

function targetSql(s: SegmentToEvaluate, customers: string, now: string): string {
  const { compiled } = s;
  const agg = compiled.aggregates.length
    ? `LEFT JOIN (SELECT e.customer_id, ${compiled.aggregates.join(', ')}
                    FROM events e
                   WHERE e.type IN (${compiled.eventTypes.map(textLiteral).join(', ')})
                     AND e.occurred_at > ${now} - INTERVAL '${compiled.lookbackMs} milliseconds'
                     AND e.occurred_at <= ${now}${customers ? ` AND e.customer_id IN (${customers})` : ''}
                   GROUP BY e.customer_id) agg ON agg.customer_id = c.id`
    : '';
  // The profile as conditions see it (src/customers/profile-scope.ts): stored traits, then
  // identifiers (the later of one kind wins), then id, tags and time zone.
  const profile = compiled.readsProfile
    ? `CROSS JOIN LATERAL (SELECT c.traits
          || coalesce((SELECT jsonb_object_agg(i.kind, i.value ORDER BY i.ctid) FROM customer_identifiers i
                        WHERE i.customer_id = c.id), '{}'::jsonb)
          || jsonb_build_object('id', c.id, 'tags', to_jsonb(c.tags), 'timezone', c.timezone) AS profile) p`
    : '';
  return `SELECT ${textLiteral(s.id)}::text AS segment_id, ${s.version} AS version, c.id AS customer_id,
                 ${compiled.predicate} AS member
            FROM customers c LEFT JOIN customer_traits t ON t.customer_id = c.id ${agg} ${profile}
           WHERE c.merged_into IS NULL${customers ? ` AND c.id IN (${customers})` : ''}`;
}

export function transitionsSql(segments: readonly SegmentToEvaluate[], options: TransitionOptions): string {
  const now = utc(options.now);
  const customers = options.customerIds?.map(escapeLiteral).join(', ') ?? '';
  const ids = segments.map((s) => textLiteral(s.id)).join(', ');
  const delivered = (type: 'entered' | 'left') =>
    options.unreferenced[type]
      ? `${now} AS delivered_at, true AS unreferenced`
      : 'NULL::timestamp AS delivered_at, false AS unreferenced';
  return `
    WITH target AS (${segments.map((s) => targetSql(s, customers, now)).join('\nUNION ALL\n')}
    ), open AS (
      SELECT m.segment_id, m.customer_id, m.spell FROM segment_memberships m
       WHERE m.left_at IS NULL AND m.segment_id IN (${ids})${customers ? ` AND m.customer_id IN (${customers})` : ''}
    ), entering AS (
      SELECT t.segment_id, t.version, t.customer_id,
             coalesce((SELECT max(h.spell) FROM segment_memberships h
                        WHERE h.segment_id = t.segment_id AND h.customer_id = t.customer_id), 0) + 1 AS spell
        FROM target t
       WHERE t.member
         AND NOT EXISTS (SELECT 1 FROM open o WHERE o.segment_id = t.segment_id AND o.customer_id = t.customer_id)
    ), leaving AS (
      SELECT o.* FROM open o
       WHERE NOT EXISTS (SELECT 1 FROM target t
                          WHERE t.segment_id = o.segment_id AND t.customer_id = o.customer_id AND t.member)
    ), entered AS (
      INSERT INTO segment_memberships (segment_id, customer_id, spell, version, entered_at)
      SELECT segment_id, customer_id, spell, version, ${now} FROM entering
      ON CONFLICT DO NOTHING
      RETURNING segment_id, customer_id, spell, version
    ), left_now AS (
      UPDATE segment_memberships m SET left_at = ${now} FROM leaving l
       WHERE m.segment_id = l.segment_id AND m.customer_id = l.customer_id AND m.spell = l.spell AND m.left_at IS NULL
      RETURNING m.segment_id, m.customer_id, m.spell
    ), versions (segment_id, version) AS (
      VALUES ${segments.map((s) => `(${textLiteral(s.id)}, ${s.version})`).join(', ')}
    ), transitions AS (
      SELECT segment_id, customer_id, spell, version, 'segment_entered' AS type, ${delivered('entered')}
        FROM entered
      UNION ALL
      SELECT l.segment_id, l.customer_id, l.spell, v.version, 'segment_left', ${delivered('left')}
        FROM left_now l JOIN versions v USING (segment_id)
    ), stored AS (
    INSERT INTO events (id, customer_id, type, occurred_at, properties, received_at, next_attempt_at, delivered_at,
                        unreferenced)
    SELECT 'segment:' || segment_id || ':' || customer_id || ':' || spell || ':' || substr(type, 9),
           customer_id, type, ${now}, jsonb_build_object('segment', segment_id, 'version', version),
           now() AT TIME ZONE 'UTC', ${utc(options.nextAttemptAt)}, delivered_at, unreferenced
      FROM transitions
    ON CONFLICT (id) DO NOTHING
    RETURNING id, customer_id, type, properties, delivered_at IS NOT NULL AS delivered, occurred_at
    ), ${countStoredEventsCte('stored')}
    ${
      options.summary
        ? `SELECT count(*) FILTER (WHERE type = 'segment_entered')::int AS entered,
                  count(*) FILTER (WHERE type = 'segment_left')::int AS left FROM stored`
        : 'SELECT * FROM stored'
    }`;
}
