// At most one experiment or rollout routes a program's entrants at a time; launching by hand
// waits for it to end.
import type { Db } from '../db/prisma';

/** `experiment <id>` or `rollout <id>` when one is running for the program, else null. */
export async function runningChange(db: Db, programId: string): Promise<string | null> {
  const [experiment, rollout] = await Promise.all([
    db.experiment.findFirst({ where: { programId, status: 'running' }, select: { id: true } }),
    db.rollout.findFirst({ where: { programId, status: 'running' }, select: { id: true } }),
  ]);
  return experiment ? `experiment ${experiment.id}` : rollout ? `rollout ${rollout.id}` : null;
}
