// Changes to a program's routing (launch, state moves, experiments, rollouts) happen one at a
// time: each takes the program's row lock, then checks what is running. At most one experiment
// or rollout routes a program's entrants at a time; launching by hand is refused until it ends.
import type { Prisma } from '../../generated/prisma/client';
import type { Db } from '../db/prisma';
import { NotFoundError } from '../core/errors';

export type Tx = Prisma.TransactionClient;

/** Locks the program's row for the rest of the transaction and reads it. */
export async function lockProgram(tx: Tx, programId: string) {
  await tx.$executeRaw`SELECT 1 FROM programs WHERE id = ${programId} FOR UPDATE`;
  const program = await tx.program.findUnique({ where: { id: programId } });
  if (!program) throw new NotFoundError(`program ${programId}`);
  return program;
}

/** `experiment <id>` or `rollout <id>` when one is running for the program, else null. */
export async function runningChange(db: Db | Tx, programId: string): Promise<string | null> {
  const [experiment, rollout] = await Promise.all([
    db.experiment.findFirst({ where: { programId, status: 'running' }, select: { id: true } }),
    db.rollout.findFirst({ where: { programId, status: 'running' }, select: { id: true } }),
  ]);
  return experiment ? `experiment ${experiment.id}` : rollout ? `rollout ${rollout.id}` : null;
}
