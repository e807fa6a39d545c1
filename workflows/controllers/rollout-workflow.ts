// One workflow per rollout (`rollout:<id>`): ramps the new version through its plan, checks the
// guardrails every evaluation interval while each step dwells, and rolls back at the first breach.
// Durable: a worker restart resumes the ramp where it was, with the same timers.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { pinnedWhenVersioned } from './pinned';

export interface RolloutWorkflowInput {
  rolloutId: string;
  plan: { percent: number; dwellMs: number }[];
  evaluationIntervalMs: number;
}

export type RolloutResult = { status: 'completed' | 'aborted' } | { status: 'rolled_back'; reason: string };

const { setRolloutStage, evaluateRollout, rollBackRollout, completeRollout } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

// PINNED under Worker Versioning: it ends with its rollout, on the build it started on.
pinnedWhenVersioned(rolloutWorkflow);

export async function rolloutWorkflow(input: RolloutWorkflowInput): Promise<RolloutResult> {
  for (const stage of input.plan) {
    if (!(await setRolloutStage({ rolloutId: input.rolloutId, percent: stage.percent }))) return { status: 'aborted' };
    const stageEnds = Date.now() + stage.dwellMs;
    while (Date.now() < stageEnds) {
      await sleep(Math.min(input.evaluationIntervalMs, stageEnds - Date.now()));
      const verdict = await evaluateRollout({ rolloutId: input.rolloutId });
      if (!verdict.running) return { status: 'aborted' };
      if (verdict.breach) {
        await rollBackRollout({ rolloutId: input.rolloutId, reason: verdict.breach });
        return { status: 'rolled_back', reason: verdict.breach };
      }
    }
  }
  await completeRollout({ rolloutId: input.rolloutId });
  return { status: 'completed' };
}
