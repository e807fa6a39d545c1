// Enrollment decisions: which live program versions an event may enter, and in which variant.
// Run as local activities so the decisions land in history and replay reproduces them without
// touching the database.
import type { Db } from '../src/db/prisma';
import { route, type ExperimentVariant, type Route } from '../src/programs/entry-routing';
import type { EnrollmentCandidate, Plan, ProgramControl } from '../src/core/calls';
import { loadProgramControl } from '../src/programs/program-control';
import { compileProgram } from '../src/programs/compile';
import { programDefinitionSchema } from '../src/programs/schema';
import type { Program } from '../src/core/program';
import { evaluate, eventScope } from '../src/core/conditions';
import type { CustomerEvent } from '../src/core/state';
import type { ActivityDeps } from './deps';
import { loadCustomerPolicy } from './policy-activities';
import { loadProfileScope } from './profile-scope';

export function createEnrollmentActivities({ db, controlTiming, contactPolicy }: Pick<ActivityDeps, 'db' | 'controlTiming' | 'contactPolicy'>) {
  return {
    /**
     * Live programs whose trigger (type and `where`) this event satisfies, each with the version
     * this customer joins: the live one, or their experiment variant or rollout side, recorded.
     */
    async planEnrollments(input: { customerId: string; event: CustomerEvent }): Promise<Plan> {
      const routes = await routesFor(db, input.customerId, input.event.type);
      if (routes.length === 0) return { candidates: [], policy: null };
      const rows = await db.programVersion.findMany({
        where: { triggerEvent: input.event.type, OR: routes.map((r) => ({ programId: r.programId, version: r.version })) },
        select: { programId: true, version: true, definition: true },
        orderBy: { programId: 'asc' },
      });
      // Parsed, not cast: a malformed row is refused by name (that program only), never a
      // TypeError inside a workflow.
      const invalid: EnrollmentCandidate[] = [];
      const parsed = rows.flatMap((r) => {
        const definition = programDefinitionSchema.safeParse(r.definition);
        if (definition.success) return [{ ...r, definition: compileProgram(definition.data) }];
        invalid.push({ programId: r.programId, version: r.version, variant: null, invalid: `invalid data: ${definition.error.message.slice(0, 400)}` });
        return [];
      });
      const needsProfile = parsed.some((r) => r.definition.entry.where);
      const scope = needsProfile ? await loadProfileScope(db, input.customerId) : {};
      const entering = parsed.flatMap((r) => {
        const { entry } = r.definition;
        if (entry.where && !evaluate(entry.where, { ...scope, event: eventScope(input.event) })) return [];
        return [{ row: r, route: routes.find((x) => x.programId === r.programId)! }];
      });
      const assigned = entering.filter((x) => x.route.experimentId !== null);
      if (assigned.length) {
        await db.assignment.createMany({
          data: assigned.map(({ route: r }) => ({ experimentId: r.experimentId!, customerId: input.customerId, variant: r.variant!, version: r.version })),
          skipDuplicates: true,
        });
      }
      const candidates: EnrollmentCandidate[] = entering.map(({ row, route: r }) => ({
        programId: row.programId,
        version: row.version,
        variant: r.variant,
        definition: row.definition,
        control: { ...controlTiming, status: 'live', retired: null, migrateTo: null },
      }));
      const all = [...candidates, ...invalid].sort((a, b) => a.programId.localeCompare(b.programId));
      // A send right after entry is judged by this policy: the engine need not read it again.
      return { candidates: all, policy: all.length ? await loadCustomerPolicy(db, contactPolicy, input.customerId) : null };
    },

    /** Versions are immutable, so a definition may be cached anywhere by (programId, version). */
    async loadProgramVersion(input: { programId: string; version: number }): Promise<Program> {
      const row = await db.programVersion.findUniqueOrThrow({
        where: { programId_version: { programId: input.programId, version: input.version } },
      });
      // Parsed, not cast: a malformed row is a named, non-retryable error here, not a TypeError
      // deep inside a workflow. The engine runs the compiled form.
      return compileProgram(programDefinitionSchema.parse(row.definition));
    },

    /** The program's state for a customer in it: asked at step boundaries (cached per `cacheMs`). */
    async programControl(input: { programId: string; version: number }): Promise<ProgramControl> {
      return loadProgramControl(db, input.programId, input.version, controlTiming);
    },
  };
}

/** Each live program with a version triggered by `eventType`, routed for this customer. */
async function routesFor(db: Db, customerId: string, eventType: string): Promise<(Route & { programId: string })[]> {
  const programs = await db.program.findMany({
    where: { status: 'live', liveVersion: { not: null }, versions: { some: { triggerEvent: eventType } } },
    select: {
      id: true,
      liveVersion: true,
      experiments: { where: { status: 'running' }, take: 1 },
      rollouts: { where: { status: 'running' }, take: 1 },
    },
  });
  return programs.map((p) => {
    const experiment = p.experiments[0];
    const rollout = p.rollouts[0];
    return {
      programId: p.id,
      ...route(
        {
          liveVersion: p.liveVersion!,
          experiment: experiment ? { id: experiment.id, variants: experiment.variants as unknown as ExperimentVariant[], holdout: experiment.holdout, controlVersion: experiment.controlVersion } : null,
          rollout: rollout ?? null,
        },
        customerId,
      ),
    };
  });
}
