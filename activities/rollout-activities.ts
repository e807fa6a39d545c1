// A rollout's ramp, one activity per move, for its controller workflow.
import { createRolloutController } from '../src/rollouts/rollout-controller';
import type { ActivityDeps } from './deps';

export function createRolloutActivities({ db }: Pick<ActivityDeps, 'db'>) {
  const controller = createRolloutController(db);
  return {
    setRolloutStage: (input: { rolloutId: string; percent: number }) =>
      controller.setStage(input.rolloutId, input.percent),
    evaluateRollout: (input: { rolloutId: string }) => controller.evaluate(input.rolloutId),
    rollBackRollout: (input: { rolloutId: string; reason: string }) =>
      controller.rollBack(input.rolloutId, input.reason),
    completeRollout: (input: { rolloutId: string }) => controller.complete(input.rolloutId),
  };
}
