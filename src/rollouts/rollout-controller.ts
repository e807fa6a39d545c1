// The database side of a rollout's ramp, called by its workflow's activities
// (workflows/controllers/rollout-workflow.ts). Each step acts only while the rollout is still
// running, so a retried activity, or one racing an abort, changes nothing twice.
import type { Db } from '../db/prisma';
import { auditData } from '../audit/audit-log';
import { findBreach, rates, versionMetrics } from './guardrails';
import { parseStored } from '../db/stored-json';
import { guardrailsSchema } from '../contracts/requests/rollout-schema';

export interface Verdict {
  running: boolean;
  breach: string | null;
}

export function createRolloutController(db: Db) {
  const actor = (id: string) => `rollout:${id}`;

  return {
    /** Sends `percent` of new entrants to the new version. False when the rollout has ended. */
    async setStage(rolloutId: string, percent: number): Promise<boolean> {
      return db.$transaction(async (tx) => {
        const row = await tx.rollout.findUniqueOrThrow({ where: { id: rolloutId } });
        if (row.status !== 'running') return false;
        if (row.percent === percent) return true;
        await tx.rollout.update({ where: { id: rolloutId }, data: { percent } });
        await tx.auditEntry.create({
          data: auditData({
            actor: actor(rolloutId),
            action: 'rollout.stage',
            resource: `program:${row.programId}`,
            before: { percent: row.percent },
            after: { percent, rolloutId },
          }),
        });
        return true;
      });
    },

    /** Compares both versions since the rollout began, and records the evaluation. */
    async evaluate(rolloutId: string): Promise<Verdict> {
      const row = await db.rollout.findUniqueOrThrow({ where: { id: rolloutId } });
      if (row.status !== 'running') return { running: false, breach: null };
      const [current, candidate] = await Promise.all([
        versionMetrics(db, row.programId, row.fromVersion, row.startedAt),
        versionMetrics(db, row.programId, row.toVersion, row.startedAt),
      ]);
      const guardrails = parseStored(guardrailsSchema, row.guardrails, {
        table: 'rollouts',
        column: 'guardrails',
        id: rolloutId,
      });
      const breach = findBreach(current, candidate, guardrails);
      const metrics = { current: { ...current, ...rates(current) }, candidate: { ...candidate, ...rates(candidate) } };
      await db.rolloutEvaluation.create({ data: { rolloutId, percent: row.percent, metrics, breach } });
      return { running: true, breach };
    },

    /** New entrants go back to the current version; the new one is retired, so its customers exit. */
    async rollBack(rolloutId: string, reason: string): Promise<void> {
      await db.$transaction(async (tx) => {
        const row = await tx.rollout.findUniqueOrThrow({ where: { id: rolloutId } });
        const { count } = await tx.rollout.updateMany({
          where: { id: rolloutId, status: 'running' },
          data: { status: 'rolled_back', percent: 0, reason, endedAt: new Date() },
        });
        if (count === 0) return;
        await tx.programVersion.update({
          where: { programId_version: { programId: row.programId, version: row.toVersion } },
          data: { retiredAt: new Date(), retiredReason: reason },
        });
        await tx.auditEntry.create({
          data: auditData({
            actor: actor(rolloutId),
            action: 'rollout.rollback',
            resource: `program:${row.programId}`,
            before: { percent: row.percent, toVersion: row.toVersion },
            after: { percent: 0, liveVersion: row.fromVersion, reason },
          }),
        });
      });
    },

    /** The plan finished with no breach: the new version becomes the live one. */
    async complete(rolloutId: string): Promise<void> {
      await db.$transaction(async (tx) => {
        const row = await tx.rollout.findUniqueOrThrow({ where: { id: rolloutId } });
        const { count } = await tx.rollout.updateMany({
          where: { id: rolloutId, status: 'running' },
          data: { status: 'completed', percent: 100, endedAt: new Date() },
        });
        if (count === 0) return;
        await tx.program.update({ where: { id: row.programId }, data: { liveVersion: row.toVersion } });
        await tx.auditEntry.create({
          data: auditData({
            actor: actor(rolloutId),
            action: 'rollout.complete',
            resource: `program:${row.programId}`,
            before: { liveVersion: row.fromVersion },
            after: { liveVersion: row.toVersion },
          }),
        });
      });
    },
  };
}
