// One statement that evaluates segments for some customers (or all) and writes what changed: the
// spells entered and left (segment_memberships) and an outbox event for each transition, its id
// deterministic (segment, customer, spell, direction), so a retried or concurrent evaluation, or a
// recompute after an event already did it, finds the spell or the event there and writes nothing.
import { escapeLiteral } from 'pg';
import { textLiteral } from './condition-sql';
import { countStoredEventsCte } from '../analytics/audience-writes';
import { targetSql, type SegmentToEvaluate } from './target-sql';

export type { SegmentToEvaluate } from './target-sql';

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

/** Which customers a statement touches: an SQL list of literals, empty for every customer. */
const customerList = (customerIds: readonly string[] | undefined) => customerIds?.map(escapeLiteral).join(', ') ?? '';

/** How a transition's event is stored: due to the relay, or (no program references it) delivered and unreferenced. */
const deliveredSql = (unreferenced: boolean, now: string) =>
  unreferenced
    ? `${now} AS delivered_at, true AS unreferenced`
    : 'NULL::timestamp AS delivered_at, false AS unreferenced';

/** The open spells of the segments `ids` (an SQL list), of `customers` only when not empty. */
const openSpellsSql = (ids: string, customers: string) =>
  `SELECT m.segment_id, m.customer_id, m.spell FROM segment_memberships m
       WHERE m.left_at IS NULL AND m.segment_id IN (${ids})${customers ? ` AND m.customer_id IN (${customers})` : ''}`;

/** `versions (segment_id, version)`: the version each segment's events name. */
const versionsCte = (segments: readonly Pick<SegmentToEvaluate, 'id' | 'version'>[]) =>
  `versions (segment_id, version) AS (
      VALUES ${segments.map((s) => `(${textLiteral(s.id)}, ${s.version})`).join(', ')}
    )`;

/**
 * `left_now`: the spells the CTE `leaving` (segment_id, customer_id, spell) names, closed at `now`.
 * A spell another statement closed first is skipped (its left_at is no longer NULL when the row
 * lock is granted), so only one statement writes its segment_left.
 */
const closeSpellsCte = (now: string) => `left_now AS (
      UPDATE segment_memberships m SET left_at = ${now} FROM leaving l
       WHERE m.segment_id = l.segment_id AND m.customer_id = l.customer_id AND m.spell = l.spell AND m.left_at IS NULL
      RETURNING m.segment_id, m.customer_id, m.spell
    )`;

/** The segment_left transitions of `left_now`, as the CTE `transitions` unions them. */
const leftTransitionsSql = (unreferenced: boolean, now: string) =>
  `SELECT l.segment_id, l.customer_id, l.spell, v.version, 'segment_left' AS type, ${deliveredSql(unreferenced, now)}
        FROM left_now l JOIN versions v USING (segment_id)`;

/**
 * `stored`: an outbox event for each row of `transitions`, its id fixed by the spell
 * (`segment:<segment>:<customer>:<spell>:entered|left`), counted in the audience rollups; then the
 * statement's answer: the stored events, or their counts.
 */
function storeTransitionsSql(options: Pick<TransitionOptions, 'nextAttemptAt' | 'summary'>, now: string): string {
  return `stored AS (
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

export function transitionsSql(segments: readonly SegmentToEvaluate[], options: TransitionOptions): string {
  const now = utc(options.now);
  const customers = customerList(options.customerIds);
  const ids = segments.map((s) => textLiteral(s.id)).join(', ');
  return `
    WITH target AS (${targetSql(segments, customers, now)}
    ), live AS (
      -- An archived segment is entered no more: an API process's index may hold it for a moment
      -- after the archive (src/segments/segment-index.ts), and the archive closed its spells.
      SELECT s.id FROM segments s WHERE s.id IN (${ids}) AND s.archived_at IS NULL
    ), open AS (
      ${openSpellsSql(ids, customers)}
    ), entering AS (
      SELECT t.segment_id, t.version, t.customer_id,
             coalesce((SELECT max(h.spell) FROM segment_memberships h
                        WHERE h.segment_id = t.segment_id AND h.customer_id = t.customer_id), 0) + 1 AS spell
        FROM target t
       WHERE t.member AND t.segment_id IN (SELECT id FROM live)
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
    ), ${closeSpellsCte(now)}, ${versionsCte(segments)}, transitions AS (
      SELECT segment_id, customer_id, spell, version, 'segment_entered' AS type,
             ${deliveredSql(options.unreferenced.entered, now)}
        FROM entered
      UNION ALL
      ${leftTransitionsSql(options.unreferenced.left, now)}
    ), ${storeTransitionsSql(options, now)}`;
}

/**
 * Closes every open spell of these segments at `now`, with a segment_left event for each, stored
 * as transitionsSql stores it (the same id, the same delivery rules) and naming the segment's given
 * version: what an archive does, and the recompute's sweep of spells an evaluation opened while an
 * archive committed. A spell already closed writes nothing, so repeating it writes nothing twice.
 */
export function leaveSpellsSql(
  segments: readonly Pick<SegmentToEvaluate, 'id' | 'version'>[],
  options: Pick<TransitionOptions, 'now' | 'nextAttemptAt' | 'summary'> & { unreferenced: { left: boolean } },
): string {
  const now = utc(options.now);
  return `
    WITH leaving AS (
      ${openSpellsSql(segments.map((s) => textLiteral(s.id)).join(', '), '')}
    ), ${closeSpellsCte(now)}, ${versionsCte(segments)}, transitions AS (
      ${leftTransitionsSql(options.unreferenced.left, now)}
    ), ${storeTransitionsSql(options, now)}`;
}
