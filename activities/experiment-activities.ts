// The experiment controller's one move: look at the results and promote a winner if the rule names one.
import { experimentResults } from '../src/experiments/experiment-results';
import { promoteVariant } from '../src/experiments/experiment-service';
import type { ActivityDeps } from './deps';

export function createExperimentActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    /** `running: false` once the experiment has ended (promoted here, by hand, or stopped). */
    async evaluateExperiment(input: { experimentId: string }): Promise<{ running: boolean; winner: string | null }> {
      const row = await db.experiment.findUniqueOrThrow({ where: { id: input.experimentId } });
      if (row.status !== 'running') return { running: false, winner: row.winner };
      const { winner } = await experimentResults(db, input.experimentId);
      if (!winner) return { running: true, winner: null };
      await promoteVariant(db, input.experimentId, winner, `experiment:${input.experimentId}`);
      return { running: false, winner };
    },
  };
}
