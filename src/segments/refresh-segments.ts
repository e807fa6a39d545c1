// The full recompute, run by the Temporal Schedule `kairos:refresh-segments`
// (workflows/maintenance/refresh-segments-workflow.ts): every segment whose membership changes
// without an event of the customer's (a window moves, a time-based trait, the profile), and every
// version not yet computed in full (just published), evaluated over all customers. One statement
// per segment: spells and their outbox events are written together, due to the relay at once.
// Ids are deterministic, so a recompute that repeats one already done, or races an event's
// evaluation, writes nothing twice.
import type { Logger } from 'pino';
import { sqlRows, type Db } from '../db/prisma';
import { segmentDefinitionSchema } from '../contracts/program-language/segment-schema';
import { compileSegment } from './compile-segment';
import { leaveSpellsSql, transitionsSql, type TransitionSummary } from './transitions-sql';

export interface RefreshResult {
  segments: { id: string; version: number; entered: number; left: number; ms: number }[];
}

/** Segments recomputed at once. */
const PARALLEL = 2;

interface Due {
  id: string;
  version: number;
  definition: unknown;
}

const DUE = `
  SELECT s.id, v.version, v.definition
    FROM segments s JOIN segment_versions v ON v.segment_id = s.id AND v.version = s.current_version
   WHERE s.archived_at IS NULL AND (v.scheduled OR s.computed_version IS DISTINCT FROM s.current_version)
   ORDER BY s.id`;

/**
 * Archived segments with an open spell: one an evaluation opened while the archive committed (it
 * began before, or its process's index still held the segment). The archive closed the others.
 */
const STRAYS = `
  SELECT s.id, s.current_version AS version FROM segments s
   WHERE s.archived_at IS NOT NULL AND s.current_version IS NOT NULL
     AND EXISTS (SELECT 1 FROM segment_memberships m WHERE m.segment_id = s.id AND m.left_at IS NULL)
   ORDER BY s.id`;

/**
 * Whether a program version in use references the type, by the rule of src/programs/referenced-index.ts:
 * an event of a type none references is stored delivered and unreferenced, so a first compute of
 * a large segment leaves the relay nothing to go through.
 */
const REFERENCED = `
  SELECT EXISTS (SELECT 1 FROM program_versions v JOIN programs p ON p.id = v.program_id
                  WHERE (p.status <> 'archived' AND v.trigger_event = $1)
                     OR ($1 = ANY(v.listens_to) AND (p.status <> 'archived' OR p.listening_until IS NULL
                                                     OR p.listening_until AT TIME ZONE 'UTC' > now()))) AS referenced`;

export const referenced = async (db: Db, type: string) =>
  (await sqlRows<{ referenced: boolean }>(db, REFERENCED, [type]))[0]?.referenced ?? true;

/**
 * `only`: recompute these segments whatever their kind (the bench, an operator). Without it, the
 * spells left open in archived segments are closed too, as the archive closes them.
 */
export async function refreshSegments(
  db: Db,
  logger: Pick<Logger, 'info' | 'error'>,
  options: { now?: Date; only?: readonly string[] } = {},
): Promise<RefreshResult> {
  const due = options.only
    ? await sqlRows<Due>(
        db,
        `SELECT s.id, v.version, v.definition FROM segments s
           JOIN segment_versions v ON v.segment_id = s.id AND v.version = s.current_version
          WHERE s.id = ANY($1::text[]) ORDER BY s.id`,
        [options.only],
      )
    : await sqlRows<Due>(db, DUE, []);
  const unreferenced = {
    entered: !(await referenced(db, 'segment_entered')),
    left: !(await referenced(db, 'segment_left')),
  };
  const result: RefreshResult = { segments: [] };
  const recompute = async (segment: Due) => {
    const parsed = segmentDefinitionSchema.safeParse(segment.definition);
    if (!parsed.success) {
      logger.error({ segment: segment.id, version: segment.version }, 'stored segment definition does not parse');
      return;
    }
    const started = Date.now();
    const now = options.now ?? new Date();
    const sql = transitionsSql(
      [{ id: segment.id, version: segment.version, compiled: compileSegment(parsed.data, now) }],
      // The relay signals them at its next round.
      { now, nextAttemptAt: now, unreferenced, summary: true },
    );
    const [summary] = await sqlRows<TransitionSummary>(db, sql, []);
    await sqlRows(
      db,
      `UPDATE segments SET computed_version = $2, computed_at = now() AT TIME ZONE 'UTC' WHERE id = $1`,
      [segment.id, segment.version],
    );
    const counts = { entered: summary?.entered ?? 0, left: summary?.left ?? 0 };
    result.segments.push({ id: segment.id, version: segment.version, ...counts, ms: Date.now() - started });
    logger.info({ segment: segment.id, ...counts, ms: Date.now() - started }, 'segment recomputed');
  };
  // Segments write disjoint spells and events with ids of their own, so PARALLEL of them run side
  // by side, each a statement on a connection of its own: the database's cores, not one.
  const waiting = [...due];
  const lane = async () => {
    for (let segment = waiting.shift(); segment; segment = waiting.shift()) await recompute(segment);
  };
  await Promise.all(Array.from({ length: PARALLEL }, lane));
  result.segments.sort((x, y) => x.id.localeCompare(y.id));
  const strays = options.only ? [] : await sqlRows<{ id: string; version: number }>(db, STRAYS, []);
  for (const segment of strays) {
    const started = Date.now();
    const now = options.now ?? new Date();
    const sql = leaveSpellsSql([segment], { now, nextAttemptAt: now, unreferenced, summary: true });
    const [summary] = await sqlRows<TransitionSummary>(db, sql, []);
    const left = summary?.left ?? 0;
    result.segments.push({ id: segment.id, version: segment.version, entered: 0, left, ms: Date.now() - started });
    logger.info({ segment: segment.id, left }, 'spells left open in an archived segment closed');
  }
  return result;
}
