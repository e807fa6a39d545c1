// The experiment controller's one move: look at the results and promote a winner if the rule names one.
import type { Db } from '../db/prisma';
import { experimentResults } from './experiment-results';
import { promoteVariant } from './experiment-service';

/** `running: false` once the experiment has ended (promoted here, by hand, or stopped). */
export async function evaluateExperiment(
  db: Db,
  experimentId: string,
): Promise<{ running: boolean; winner: string | null }> {
  const row = await db.experiment.findUniqueOrThrow({ where: { id: experimentId } });
  if (row.status !== 'running') return { running: false, winner: row.winner };
  const { winner } = await experimentResults(db, experimentId);
  if (!winner) return { running: true, winner: null };
  await promoteVariant(db, experimentId, winner, `experiment:${experimentId}`);
  return { running: false, winner };
}
