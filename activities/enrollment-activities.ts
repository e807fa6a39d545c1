// Enrollment decisions: which live program versions an event may enter. Run as a local activity
// so the decision lands in history and replay reproduces it without touching the database.
import type { ProgramDefinition } from '../src/programs/types';
import { evaluate, eventScope } from '../workflows/journey/conditions';
import type { CustomerEvent } from '../workflows/journey/state';
import type { ActivityDeps } from './deps';
import { loadProfileScope } from './profile-scope';

export interface EnrollmentCandidate {
  programId: string;
  version: number;
  variant: string | null;
  entry: ProgramDefinition['entry'];
}

export function createEnrollmentActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    /** Live program versions whose trigger (type and `where`) this event satisfies. */
    async planEnrollments(input: { customerId: string; event: CustomerEvent }): Promise<EnrollmentCandidate[]> {
      const rows = await db.programVersion.findMany({
        where: { triggerEvent: input.event.type, program: { status: 'live' } },
        select: { programId: true, version: true, definition: true, program: { select: { liveVersion: true } } },
        orderBy: { programId: 'asc' },
      });
      const live = rows.filter((r) => r.program.liveVersion === r.version);
      const needsProfile = live.some((r) => (r.definition as ProgramDefinition).entry.where);
      const scope = needsProfile ? await loadProfileScope(db, input.customerId) : {};
      return live.flatMap((r) => {
        const { entry } = r.definition as ProgramDefinition;
        if (entry.where && !evaluate(entry.where, { ...scope, event: eventScope(input.event) })) return [];
        return [{ programId: r.programId, version: r.version, variant: null, entry }];
      });
    },

    /** Versions are immutable, so a definition may be cached anywhere by (programId, version). */
    async loadProgramVersion(input: { programId: string; version: number }): Promise<ProgramDefinition> {
      const row = await db.programVersion.findUniqueOrThrow({
        where: { programId_version: { programId: input.programId, version: input.version } },
      });
      return row.definition as ProgramDefinition;
    },
  };
}
