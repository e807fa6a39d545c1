// Staged rollouts: start one (a row, then its controller workflow), read it with its guardrail
// evaluations, or abort it by hand. The ramp itself runs in workflows/controllers/rollout-workflow.ts.
import { randomBytes } from 'node:crypto';
import { ConflictError, InvalidError, NotFoundError } from '../core/errors';
import { auditData } from '../audit/audit-log';
import type { Db } from '../db/prisma';
import type { ReleaseControllers } from '../programs/release-controllers';
import { lockProgram, runningChange } from '../programs/running-change';
import type { StartRollout } from '../contracts/requests/rollout-schema';

export function createRolloutService(db: Db, controllers: ReleaseControllers) {
  async function get(id: string) {
    const row = await db.rollout.findUnique({ where: { id }, include: { evaluations: { orderBy: { id: 'asc' } } } });
    if (!row) throw new NotFoundError(`rollout ${id}`);
    return { ...row, evaluations: row.evaluations.map((e) => ({ ...e, id: e.id.toString() })) };
  }

  return {
    get,
    list: (programId: string) => db.rollout.findMany({ where: { programId }, orderBy: { startedAt: 'desc' } }),

    async start(programId: string, input: StartRollout, actor: string) {
      const id = `ro_${randomBytes(6).toString('hex')}`;
      await db.$transaction(async (tx) => {
        const program = await lockProgram(tx, programId);
        if (program.status !== 'live' || program.liveVersion === null)
          throw new ConflictError(`program ${programId} is ${program.status}: rollouts run on live programs`);
        const busy = await runningChange(tx, programId);
        if (busy) throw new ConflictError(`${busy} is running for program ${programId}`);
        const [target, live] = await Promise.all([
          tx.programVersion.findUnique({ where: { programId_version: { programId, version: input.toVersion } } }),
          tx.programVersion.findUniqueOrThrow({
            where: { programId_version: { programId, version: program.liveVersion } },
          }),
        ]);
        const problem = !target
          ? `version ${input.toVersion} does not exist`
          : target.retiredAt
            ? `version ${input.toVersion} was rolled back (${target.retiredReason})`
            : input.toVersion === program.liveVersion
              ? `version ${input.toVersion} is already live`
              : target.triggerEvent !== live.triggerEvent
                ? `enters on "${target.triggerEvent}", the live version on "${live.triggerEvent}"`
                : null;
        if (problem) throw new InvalidError('Invalid rollout', [{ path: '$.toVersion', message: problem }]);
        await tx.rollout.create({
          data: {
            id,
            programId,
            fromVersion: program.liveVersion,
            toVersion: input.toVersion,
            plan: input.plan,
            guardrails: input.guardrails,
            evaluationIntervalMs: input.evaluationIntervalMs,
          },
        });
        await tx.auditEntry.create({
          data: auditData({
            actor,
            action: 'rollout.start',
            resource: `program:${programId}`,
            after: {
              rolloutId: id,
              fromVersion: program.liveVersion,
              toVersion: input.toVersion,
              plan: input.plan,
              guardrails: input.guardrails,
            },
          }),
        });
      });
      try {
        await controllers.startRollout({
          rolloutId: id,
          plan: input.plan,
          evaluationIntervalMs: input.evaluationIntervalMs,
        });
      } catch (err) {
        // No controller, no rollout: end it, so the program is not left with a ramp nobody runs.
        await abort(id, actor, 'its controller workflow could not be started');
        throw err;
      }
      return get(id);
    },

    /** New entrants go back to the current version at once; the controller ends at its next check. */
    async abort(id: string, actor: string) {
      await get(id);
      await abort(id, actor, `aborted by ${actor}`);
      return get(id);
    },
  };

  /** Ends a running rollout, with its audit entry; one that has already ended is left alone. */
  async function abort(id: string, actor: string, reason: string): Promise<void> {
    await db.$transaction(async (tx) => {
      const row = await tx.rollout.findUniqueOrThrow({ where: { id } });
      const { count } = await tx.rollout.updateMany({
        where: { id, status: 'running' },
        data: { status: 'aborted', percent: 0, reason, endedAt: new Date() },
      });
      if (count === 0) return;
      await tx.auditEntry.create({
        data: auditData({
          actor,
          action: 'rollout.abort',
          resource: `program:${row.programId}`,
          before: { percent: row.percent },
          after: { percent: 0, rolloutId: id, reason },
        }),
      });
    });
  }
}

export type RolloutService = ReturnType<typeof createRolloutService>;
