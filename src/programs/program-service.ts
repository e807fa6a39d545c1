// Programs and their immutable versions: save drafts, publish a validated draft as version N,
// and choose the version new entrants join.
import type { Db } from '../db/prisma';
import { HttpError, NotFoundError, ValidationError } from '../api/errors';
import type { ProgramDefinition } from './types';
import { validateProgram } from './validate';

export function createProgramService(db: Db) {
  async function get(id: string) {
    const program = await db.program.findUnique({ where: { id }, include: { versions: { select: { version: true, createdAt: true }, orderBy: { version: 'asc' } } } });
    if (!program) throw new NotFoundError(`program ${id}`);
    return program;
  }

  return {
    get,
    list: () => db.program.findMany({ orderBy: { id: 'asc' } }),

    async create(id: string, draft: Record<string, unknown>) {
      const name = typeof draft.name === 'string' ? draft.name : id;
      const { count } = await db.program.createMany({ data: [{ id, name, draft: draft as object }], skipDuplicates: true });
      if (count === 0) throw new HttpError(409, 'Conflict', `program ${id} already exists`);
      return get(id);
    },

    async updateDraft(id: string, draft: Record<string, unknown>) {
      await get(id);
      await db.program.update({ where: { id }, data: { draft: draft as object, ...(typeof draft.name === 'string' ? { name: draft.name } : {}) } });
      return get(id);
    },

    /** Validates the draft in full (schema, graph, templates) and freezes it as the next version. */
    async publish(id: string): Promise<{ programId: string; version: number; definition: ProgramDefinition }> {
      const program = await get(id);
      const result = await validateProgram(program.draft, {
        templateExists: async (ids) => new Set((await db.template.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((t) => t.id)),
      });
      if (!result.ok) throw new ValidationError(result.issues, 422, 'Invalid program definition');
      const definition = result.definition;
      // Version numbers come from the row count under a lock, so concurrent publishes never collide.
      const version = await db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT 1 FROM programs WHERE id = ${id} FOR UPDATE`;
        const last = await tx.programVersion.findFirst({ where: { programId: id }, orderBy: { version: 'desc' } });
        const next = (last?.version ?? 0) + 1;
        await tx.programVersion.create({ data: { programId: id, version: next, definition: definition as object, triggerEvent: definition.entry.event } });
        return next;
      });
      return { programId: id, version, definition };
    },

    async version(id: string, version: number) {
      const row = await db.programVersion.findUnique({ where: { programId_version: { programId: id, version } } });
      if (!row) throw new NotFoundError(`version ${version} of program ${id}`);
      return row;
    },

    /** Makes `version` the one new entrants join, and the program live. */
    async launch(id: string, version: number) {
      await this.version(id, version);
      await db.program.update({ where: { id }, data: { status: 'live', liveVersion: version } });
      return get(id);
    },
  };
}

export type ProgramService = ReturnType<typeof createProgramService>;
