// Programs and their immutable versions: save drafts, publish a validated draft as version N,
// choose the version new entrants join, and move the program through its states. Every change
// is written to the audit log in the same transaction.
import { isDeepStrictEqual } from 'node:util';
import type { Prisma } from '../../generated/prisma/client';
import type { Db } from '../db/prisma';
import { ConflictError, InvalidError, NotFoundError, type FieldIssue } from '../core/errors';
import { auditData } from '../audit/audit-log';
import { parseStored } from '../db/stored-json';
import { programDefinitionSchema } from '../contracts/program-language/schema';
import type { ProgramDefinition } from '../contracts/program-language/types';
import type { StepMap } from '../contracts/program-language/program-schema';
import { assertLaunchable, nextStatus } from './program-states';
import type { StateAction } from '../contracts/program-language/program-schema';
import { validateProgram } from './validate';
import { compileProgram } from './compile';
import { lockProgram, runningChange } from './running-change';
import { diffVersions } from './version-diff';
import { listenedTypes, listeningAfterStopMs } from './referenced-types';

const versionView = {
  version: true,
  createdAt: true,
  migratesFrom: true,
  retiredAt: true,
  retiredReason: true,
} as const;

/**
 * `changed` runs after each change that may alter which event types are referenced (publish,
 * launch, state moves) has committed, before the change is answered: the API refreshes its index
 * of referenced types there (src/programs/referenced-index.ts).
 */
export function createProgramService(db: Db, hooks: { changed?: () => Promise<void> } = {}) {
  const changed = () => hooks.changed?.() ?? Promise.resolve();
  async function get(id: string) {
    const program = await db.program.findUnique({
      where: { id },
      include: { versions: { select: versionView, orderBy: { version: 'asc' } } },
    });
    if (!program) throw new NotFoundError(`program ${id}`);
    return program;
  }

  async function version(id: string, v: number) {
    const row = await db.programVersion.findUnique({ where: { programId_version: { programId: id, version: v } } });
    if (!row) throw new NotFoundError(`version ${v} of program ${id}`);
    return row;
  }

  const summary = (p: { status: string; liveVersion: number | null }) => ({
    status: p.status,
    liveVersion: p.liveVersion,
  });

  return {
    get,
    version,
    list: () => db.program.findMany({ orderBy: { id: 'asc' } }),

    async create(id: string, draft: Record<string, unknown>, actor: string) {
      const name = typeof draft.name === 'string' ? draft.name : id;
      const created = await db.$transaction(async (tx) => {
        const { count } = await tx.program.createMany({
          data: [{ id, name, draft: draft as object }],
          skipDuplicates: true,
        });
        if (count > 0)
          await tx.auditEntry.create({
            data: auditData({ actor, action: 'program.create', resource: `program:${id}`, after: { draft } }),
          });
        return count > 0;
      });
      if (!created) throw new ConflictError(`program ${id} already exists`);
      return get(id);
    },

    /** Saving the draft it already has changes nothing (and writes no audit entry). */
    async updateDraft(id: string, draft: Record<string, unknown>, actor: string) {
      const before = await get(id);
      if (isDeepStrictEqual(before.draft, draft)) return before;
      await db.$transaction([
        db.program.update({
          where: { id },
          data: { draft: draft as object, ...(typeof draft.name === 'string' ? { name: draft.name } : {}) },
        }),
        db.auditEntry.create({
          data: auditData({
            actor,
            action: 'program.draft',
            resource: `program:${id}`,
            before: { draft: before.draft },
            after: { draft },
          }),
        }),
      ]);
      return get(id);
    },

    /**
     * Validates the draft in full (schema, graph, templates, step map) and freezes it as the next
     * version, with the execution form the engine runs compiled from it in the same write. A
     * draft identical to the latest version (and no step map) publishes nothing: the answer names
     * that version with `unchanged: true`, so publishing is safe to repeat.
     */
    async publish(
      id: string,
      actor: string,
      migrate?: StepMap,
    ): Promise<{ programId: string; version: number; unchanged: boolean }> {
      const program = await get(id);
      const result = await validateProgram(program.draft, {
        templateExists: async (ids) =>
          new Set((await db.template.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((t) => t.id)),
      });
      if (!result.ok) throw new InvalidError('Invalid program definition', result.issues);
      const definition = result.definition;
      const latest = await db.programVersion.findFirst({ where: { programId: id }, orderBy: { version: 'desc' } });
      if (latest && !migrate && isDeepStrictEqual(latest.definition, definition))
        return { programId: id, version: latest.version, unchanged: true };
      if (migrate) await checkStepMap(migrate, definition);
      // Version numbers come from the latest row under a lock, so concurrent publishes never collide.
      const v = await db.$transaction(async (tx) => {
        await lockProgram(tx, id);
        const last = await tx.programVersion.findFirst({ where: { programId: id }, orderBy: { version: 'desc' } });
        const next = (last?.version ?? 0) + 1;
        await tx.programVersion.create({
          data: {
            programId: id,
            version: next,
            definition: definition as object,
            compiled: compileProgram(definition) as object,
            triggerEvent: definition.entry.event,
            listensTo: listenedTypes(definition),
            ...(migrate ? { migratesFrom: migrate } : {}),
          },
        });
        await tx.auditEntry.create({
          data: auditData({
            actor,
            action: 'program.publish',
            resource: `program:${id}`,
            after: { version: next, ...(migrate ? { migrate } : {}) },
          }),
        });
        return next;
      });
      await changed();
      return { programId: id, version: v, unchanged: false };

      async function checkStepMap(map: StepMap, def: ProgramDefinition): Promise<void> {
        const issues: FieldIssue[] = [];
        const from = await db.programVersion.findUnique({
          where: { programId_version: { programId: id, version: map.fromVersion } },
        });
        if (!from) issues.push({ path: '$.migrate.fromVersion', message: `version ${map.fromVersion} does not exist` });
        const fromSteps = from ? storedDefinition(from).steps : {};
        for (const [oldStep, newStep] of Object.entries(map.steps)) {
          if (from && !(oldStep in fromSteps))
            issues.push({
              path: `$.migrate.steps.${oldStep}`,
              message: `version ${map.fromVersion} has no step "${oldStep}"`,
            });
          if (!(newStep in def.steps))
            issues.push({ path: `$.migrate.steps.${oldStep}`, message: `the new version has no step "${newStep}"` });
        }
        if (issues.length) throw new InvalidError('Invalid step map', issues);
      }
    },

    versions: async (id: string) => (await get(id)).versions,

    async diff(id: string, from: number, to: number) {
      const [a, b] = await Promise.all([version(id, from), version(id, to)]);
      return {
        programId: id,
        from,
        to,
        ...diffVersions(storedDefinition(a), storedDefinition(b)),
      };
    },

    /** Makes `version` the one new entrants join, and the program live. */
    async launch(id: string, v: number, actor: string) {
      const row = await version(id, v);
      if (row.retiredAt)
        throw new ConflictError(`version ${v} was rolled back (${row.retiredReason}); publish a fixed version`);
      await db.$transaction(async (tx) => {
        const program = await lockProgram(tx, id);
        assertLaunchable(program.status);
        const busy = await runningChange(tx, id);
        if (busy) throw new ConflictError(`${busy} is running; stop it before launching by hand`);
        if (program.status === 'live' && program.liveVersion === v) return;
        await tx.program.update({ where: { id }, data: { status: 'live', liveVersion: v } });
        await tx.auditEntry.create({
          data: auditData({
            actor,
            action: 'program.launch',
            resource: `program:${id}`,
            before: summary(program),
            after: { status: 'live', liveVersion: v },
          }),
        });
      });
      await changed();
      return get(id);
    },

    /** pause, resume, stop, archive. Stopping also ends a running experiment or rollout. */
    async changeState(id: string, action: StateAction, actor: string) {
      await db.$transaction(async (tx) => {
        const program = await lockProgram(tx, id);
        const status = nextStatus(program.status, action);
        // Archived, its entry types are no longer referenced at once; its waits and goals stay so
        // for as long as a customer still in it or a goal window may act on them.
        const listeningUntil = status === 'archived' ? await archivedListeningUntil(tx, id) : undefined;
        await tx.program.update({
          where: { id },
          data: { status, ...(listeningUntil !== undefined ? { listeningUntil } : {}) },
        });
        if (status === 'stopped') {
          await tx.experiment.updateMany({
            where: { programId: id, status: 'running' },
            data: { status: 'stopped', endedAt: new Date() },
          });
          await tx.rollout.updateMany({
            where: { programId: id, status: 'running' },
            data: { status: 'aborted', reason: 'program stopped', endedAt: new Date() },
          });
        }
        await tx.auditEntry.create({
          data: auditData({
            actor,
            action: `program.${action}`,
            resource: `program:${id}`,
            before: summary(program),
            after: { ...summary(program), status },
          }),
        });
      });
      await changed();
      return get(id);
    },
  };
}

/**
 * Now plus the longest time any version's customers may still act on a wait or goal event
 * (src/programs/referenced-types.ts); null, kept for good, if a stored definition cannot say.
 */
async function archivedListeningUntil(tx: Prisma.TransactionClient, id: string): Promise<Date | null> {
  const versions = await tx.programVersion.findMany({
    where: { programId: id },
    select: { programId: true, version: true, definition: true },
  });
  try {
    const ms = Math.max(0, ...versions.map((v) => listeningAfterStopMs(storedDefinition(v))));
    const until = new Date(Date.now() + ms);
    return Number.isNaN(until.getTime()) ? null : until;
  } catch {
    return null;
  }
}

/** A version's definition as publish validated it; a malformed row is refused naming the version. */
function storedDefinition(row: { programId: string; version: number; definition: unknown }): ProgramDefinition {
  return parseStored(programDefinitionSchema, row.definition, {
    table: 'program_versions',
    column: 'definition',
    id: `${row.programId} v${row.version}`,
  });
}

export type ProgramService = ReturnType<typeof createProgramService>;
