// The experiment controller's move, for its workflow (src/experiments/evaluate-experiment.ts).
import { evaluateExperiment } from '../src/experiments/evaluate-experiment';
import type { ActivityDeps } from './deps';

export function createExperimentActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    evaluateExperiment: (input: { experimentId: string }): Promise<{ running: boolean; winner: string | null }> =>
      evaluateExperiment(db, input.experimentId),
  };
}
