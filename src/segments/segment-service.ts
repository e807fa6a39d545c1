// Segments and their immutable versions, as programs have them: save drafts, publish a validated
// draft as version N (the one evaluated from then on), archive. Every change is written to the
// audit log in the same transaction.
import { isDeepStrictEqual } from 'node:util';
import { sqlRows, type Db } from '../db/prisma';
import { ConflictError, InvalidError, NotFoundError } from '../core/errors';
import { auditData } from '../audit/audit-log';
import { segmentDefinitionSchema } from '../contracts/program-language/segment-schema';
import type { JsonObject } from '../contracts/schema-parts';
import { schemaIssues } from '../programs/validate';
import { segmentReads } from './compile-segment';
import { referenced } from './refresh-segments';
import { leaveSpellsSql, type TransitionSummary } from './transitions-sql';

const versionView = { version: true, eventTypes: true, readsCustomer: true, scheduled: true, createdAt: true } as const;

/**
 * Every segment's members now, in one statement: an index-only scan of the open spells by segment
 * (migration 20261207121000_segment_open_spells_index). A segment with no member has no row.
 */
const MEMBER_COUNTS = `
  SELECT segment_id, count(*)::int AS members FROM segment_memberships WHERE left_at IS NULL GROUP BY segment_id`;

/**
 * A customer's spells, open and closed, current first, then the latest entered. Through segments:
 * no index leads with customer_id for closed spells, so each segment is one probe of the primary
 * key (segment_id, customer_id), never a scan of every spell.
 */
const CUSTOMER_SPELLS = `
  SELECT m.segment_id, m.spell, m.version,
         m.entered_at AT TIME ZONE 'UTC' AS entered_at, m.left_at AT TIME ZONE 'UTC' AS left_at
    FROM segments s JOIN segment_memberships m ON m.segment_id = s.id AND m.customer_id = $1
   ORDER BY m.left_at IS NULL DESC, m.entered_at DESC, m.segment_id, m.spell DESC`;

interface SpellRow {
  segment_id: string;
  spell: number;
  version: number;
  entered_at: Date;
  left_at: Date | null;
}

/** `changed` runs after a publish or archive has committed: the API reloads its segment index there. */
export function createSegmentService(db: Db, hooks: { changed?: () => Promise<void> } = {}) {
  const changed = () => hooks.changed?.() ?? Promise.resolve();

  async function get(id: string) {
    const segment = await db.segment.findUnique({
      where: { id },
      include: { versions: { select: versionView, orderBy: { version: 'asc' } } },
    });
    if (!segment) throw new NotFoundError(`segment ${id}`);
    const members = await db.segmentMembership.count({ where: { segmentId: id, leftAt: null } });
    return { ...segment, members };
  }

  const audit = (actor: string, action: string, id: string, before?: unknown, after?: unknown) =>
    db.auditEntry.create({ data: auditData({ actor, action, resource: `segment:${id}`, before, after }) });

  return {
    get,
    /** Every segment, with how many customers are in it now. */
    async list() {
      const [segments, counts] = await Promise.all([
        db.segment.findMany({ orderBy: { id: 'asc' } }),
        sqlRows<{ segment_id: string; members: number }>(db, MEMBER_COUNTS, []),
      ]);
      const members = new Map(counts.map((c) => [c.segment_id, c.members]));
      return segments.map((segment) => ({ ...segment, members: members.get(segment.id) ?? 0 }));
    },

    /** The segments a customer is in and was in, spell by spell; a NotFoundError for no such customer. */
    async customerSpells(customerId: string) {
      const [exists, rows] = await Promise.all([
        db.customer.count({ where: { id: customerId } }),
        sqlRows<SpellRow>(db, CUSTOMER_SPELLS, [customerId]),
      ]);
      if (!exists) throw new NotFoundError(`customer ${customerId}`);
      return rows.map((r) => ({
        segmentId: r.segment_id,
        spell: r.spell,
        version: r.version,
        enteredAt: r.entered_at,
        leftAt: r.left_at,
        current: r.left_at === null,
      }));
    },

    async version(id: string, version: number) {
      const row = await db.segmentVersion.findUnique({ where: { segmentId_version: { segmentId: id, version } } });
      if (!row) throw new NotFoundError(`version ${version} of segment ${id}`);
      return row;
    },

    async create(id: string, draft: JsonObject, actor: string) {
      const name = typeof draft.name === 'string' ? draft.name : id;
      const created = await db.$transaction(async (tx) => {
        const { count } = await tx.segment.createMany({ data: [{ id, name, draft }], skipDuplicates: true });
        if (count > 0)
          await tx.auditEntry.create({
            data: auditData({ actor, action: 'segment.create', resource: `segment:${id}`, after: { draft } }),
          });
        return count > 0;
      });
      if (!created) throw new ConflictError(`segment ${id} already exists`);
      return get(id);
    },

    /** Saving the draft it already has changes nothing (and writes no audit entry). */
    async updateDraft(id: string, draft: JsonObject, actor: string) {
      const before = await get(id);
      if (isDeepStrictEqual(before.draft, draft)) return before;
      await db.$transaction([
        db.segment.update({
          where: { id },
          data: { draft, ...(typeof draft.name === 'string' ? { name: draft.name } : {}) },
        }),
        audit(actor, 'segment.draft', id, { draft: before.draft }, { draft }),
      ]);
      return get(id);
    },

    /**
     * Validates the draft (422 listing every problem with its JSON path) and freezes it as the next
     * version, with what it reads beside it for the index. A draft identical to the current version
     * publishes nothing (`unchanged: true`). Members are those of the previous version until the
     * next recompute (src/segments/refresh-segments.ts) or the customer's next event.
     */
    async publish(id: string, actor: string): Promise<{ segmentId: string; version: number; unchanged: boolean }> {
      const segment = await get(id);
      const parsed = segmentDefinitionSchema.safeParse(segment.draft);
      if (!parsed.success)
        throw new InvalidError('Invalid segment definition', schemaIssues(parsed.error, segment.draft));
      const definition = parsed.data;
      const latest = await db.segmentVersion.findFirst({ where: { segmentId: id }, orderBy: { version: 'desc' } });
      if (latest && isDeepStrictEqual(latest.definition, definition))
        return { segmentId: id, version: latest.version, unchanged: true };
      const version = await db.$transaction(async (tx) => {
        // Version numbers come from the latest row under the segment's lock: publishes never collide.
        await tx.$executeRaw`SELECT 1 FROM segments WHERE id = ${id} FOR UPDATE`;
        const last = await tx.segmentVersion.findFirst({ where: { segmentId: id }, orderBy: { version: 'desc' } });
        const next = (last?.version ?? 0) + 1;
        await tx.segmentVersion.create({
          data: { segmentId: id, version: next, definition, ...segmentReads(definition) },
        });
        await tx.segment.update({
          where: { id },
          data: { currentVersion: next, name: definition.name, archivedAt: null },
        });
        await tx.auditEntry.create({
          data: auditData({ actor, action: 'segment.publish', resource: `segment:${id}`, after: { version: next } }),
        });
        return next;
      });
      await changed();
      return { segmentId: id, version, unchanged: false };
    },

    /**
     * No longer evaluated, and no one is in it: every open spell is closed in the same transaction,
     * each with its segment_left event (src/segments/transitions-sql.ts), which the relay delivers,
     * so a program waiting for the customer to leave hears it. Archiving again changes nothing.
     */
    async archive(id: string, actor: string) {
      await get(id);
      const unreferenced = { left: !(await referenced(db, 'segment_left')) };
      await db.$transaction(async (tx) => {
        // Under the segment's lock, as publish takes it: of two archives, the second finds it archived.
        const [row] = await tx.$queryRaw<{ archived_at: Date | null; current_version: number | null }[]>`
          SELECT archived_at, current_version FROM segments WHERE id = ${id} FOR UPDATE`;
        if (!row || row.archived_at) return;
        const now = new Date();
        await tx.segment.update({ where: { id }, data: { archivedAt: now } });
        // A segment never published has no spells (and no version to name).
        const left =
          row.current_version === null
            ? 0
            : ((
                await tx.$queryRawUnsafe<TransitionSummary[]>(
                  leaveSpellsSql([{ id, version: row.current_version }], {
                    now,
                    nextAttemptAt: now,
                    unreferenced,
                    summary: true,
                  }),
                )
              )[0]?.left ?? 0);
        await tx.auditEntry.create({
          data: auditData({ actor, action: 'segment.archive', resource: `segment:${id}`, after: { left } }),
        });
      });
      await changed();
      return get(id);
    },
  };
}

export type SegmentService = ReturnType<typeof createSegmentService>;
