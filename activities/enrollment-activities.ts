// Enrollment decisions, the program versions they run and the programs' state, as local
// activities: the answers land in history and replay reproduces them without the database.
import type { Program } from '../src/core/program';
import type { ProgramControl } from '../src/core/calls';
import { loadExecutionForm } from '../src/programs/execution-form';
import { createPlanEnrollments } from '../src/programs/plan-enrollments';
import { loadProgramControl } from '../src/programs/program-control';
import type { ActivityDeps } from './deps';

export function createEnrollmentActivities(deps: Pick<ActivityDeps, 'db' | 'controlTiming' | 'contactPolicy'>) {
  const { db, controlTiming } = deps;
  return {
    planEnrollments: createPlanEnrollments(deps),
    /** Versions are immutable, so a definition may be cached anywhere by (programId, version). */
    loadProgramVersion: (input: { programId: string; version: number }): Promise<Program> =>
      loadExecutionForm(db, input.programId, input.version),
    /** The program's state for a customer in it: asked at step boundaries (cached per `cacheMs`). */
    programControl: (input: { programId: string; version: number }): Promise<ProgramControl> =>
      loadProgramControl(db, input.programId, input.version, controlTiming),
  };
}
