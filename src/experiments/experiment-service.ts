// Experiments: split a live program's new entrants across versions and a holdout, report the
// results, and promote a winner (by hand, or by the controller workflow under the winner rule).
import { randomBytes } from 'node:crypto';
import { ConflictError, InvalidError, NotFoundError, type FieldIssue } from '../core/errors';
import { auditData } from '../audit/audit-log';
import type { Db } from '../db/prisma';
import type { ExperimentVariant } from '../programs/entry-routing';
import type { ReleaseControllers } from '../programs/release-controllers';
import { lockProgram, runningChange } from '../programs/running-change';
import { experimentResults } from './experiment-results';
import { storedVariants } from './experiment-rows';
import type { StartExperiment } from '../contracts/requests/experiment-schema';

export function createExperimentService(db: Db, controllers: ReleaseControllers) {
  async function get(id: string) {
    const row = await db.experiment.findUnique({ where: { id } });
    if (!row) throw new NotFoundError(`experiment ${id}`);
    return row;
  }

  return {
    get,
    list: (programId: string) => db.experiment.findMany({ where: { programId }, orderBy: { startedAt: 'desc' } }),
    results: async (id: string) => experimentResults(db, (await get(id)).id),

    async start(programId: string, input: StartExperiment, actor: string) {
      const versions = await db.programVersion.findMany({ where: { programId } });
      const id = `exp_${randomBytes(6).toString('hex')}`;
      const variants: ExperimentVariant[] = input.variants;
      const experiment = await db.$transaction(async (tx) => {
        const program = await lockProgram(tx, programId);
        if (program.status !== 'live' || program.liveVersion === null)
          throw new ConflictError(`program ${programId} is ${program.status}: experiments run on live programs`);
        const busy = await runningChange(tx, programId);
        if (busy) throw new ConflictError(`${busy} is running for program ${programId}`);
        checkVariants(input, versions, program.liveVersion);
        const row = await tx.experiment.create({
          data: {
            id,
            programId,
            variants: variants as object[],
            holdout: input.holdout,
            controlVersion: program.liveVersion,
            winnerRule: input.winnerRule,
          },
        });
        await tx.auditEntry.create({
          data: auditData({
            actor,
            action: 'experiment.start',
            resource: `program:${programId}`,
            after: {
              experimentId: id,
              variants,
              holdout: input.holdout,
              controlVersion: program.liveVersion,
              winnerRule: input.winnerRule,
            },
          }),
        });
        return row;
      });
      if (input.winnerRule.autoPromote) {
        try {
          await controllers.startExperiment({
            experimentId: id,
            evaluationIntervalMs: input.winnerRule.evaluationIntervalMs,
          });
        } catch (err) {
          // Promised auto-promotion with nobody to do it: end the experiment and report the error.
          await endExperiment(db, id, actor, 'its controller workflow could not be started');
          throw err;
        }
      }
      return experiment;
    },

    /** Makes the variant's version the live one and ends the experiment. */
    promote: (id: string, variant: string, actor: string) => promoteVariant(db, id, variant, actor),

    async stop(id: string, actor: string) {
      await get(id);
      await endExperiment(db, id, actor);
      return get(id);
    },
  };
}

/** Each variant's version must exist, not be rolled back, and enter on the live version's event. */
function checkVariants(
  input: StartExperiment,
  versions: { version: number; retiredAt: Date | null; triggerEvent: string }[],
  liveVersion: number,
): void {
  const live = versions.find((v) => v.version === liveVersion)!;
  const issues: FieldIssue[] = [];
  input.variants.forEach((v, i) => {
    const row = versions.find((x) => x.version === v.version);
    const path = `$.variants[${i}].version`;
    if (!row) issues.push({ path, message: `version ${v.version} does not exist` });
    else if (row.retiredAt) issues.push({ path, message: `version ${v.version} was rolled back` });
    else if (row.triggerEvent !== live.triggerEvent)
      issues.push({ path, message: `enters on "${row.triggerEvent}", the live version on "${live.triggerEvent}"` });
  });
  if (issues.length) throw new InvalidError('Invalid experiment', issues);
}

/** Stops a running experiment, with its audit entry; one that has already ended is left alone. */
async function endExperiment(db: Db, id: string, actor: string, why?: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const { count } = await tx.experiment.updateMany({
      where: { id, status: 'running' },
      data: { status: 'stopped', endedAt: new Date() },
    });
    if (count === 0) return;
    const { programId } = await tx.experiment.findUniqueOrThrow({ where: { id }, select: { programId: true } });
    await tx.auditEntry.create({
      data: auditData({
        actor,
        action: 'experiment.stop',
        resource: `program:${programId}`,
        before: { experimentId: id, status: 'running' },
        after: { status: 'stopped', ...(why ? { reason: why } : {}) },
      }),
    });
  });
}

export async function promoteVariant(db: Db, id: string, variant: string, actor: string) {
  const row = await db.experiment.findUnique({ where: { id } });
  if (!row) throw new NotFoundError(`experiment ${id}`);
  const chosen = storedVariants(row).find((v) => v.name === variant);
  if (!chosen)
    throw new InvalidError('Invalid variant', [
      { path: '$.variant', message: `experiment ${id} has no variant "${variant}"` },
    ]);
  await db.$transaction(async (tx) => {
    // The program first, as every routing change does; then only a running experiment is
    // promoted, so a hand promotion racing the controller's takes effect once.
    const program = await lockProgram(tx, row.programId);
    const { count } = await tx.experiment.updateMany({
      where: { id, status: 'running' },
      data: { status: 'promoted', winner: variant, endedAt: new Date() },
    });
    if (count === 0) throw new ConflictError(`experiment ${id} has ended`);
    await tx.program.update({ where: { id: row.programId }, data: { liveVersion: chosen.version } });
    await tx.auditEntry.create({
      data: auditData({
        actor,
        action: 'experiment.promote',
        resource: `program:${row.programId}`,
        before: { liveVersion: program.liveVersion },
        after: { liveVersion: chosen.version, experimentId: id, winner: variant },
      }),
    });
  });
  return db.experiment.findUniqueOrThrow({ where: { id } });
}

export type ExperimentService = ReturnType<typeof createExperimentService>;
