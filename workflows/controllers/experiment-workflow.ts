// One workflow per auto-promoting experiment (`experiment:<id>`): checks the winner rule every
// interval and promotes the winner once there is one. Ends when the experiment ends.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { pinnedWhenVersioned } from './pinned';

export interface ExperimentWorkflowInput {
  experimentId: string;
  evaluationIntervalMs: number;
}

const { evaluateExperiment } = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

// PINNED under Worker Versioning: it ends with its experiment, on the build it started on.
pinnedWhenVersioned(experimentWorkflow);

export async function experimentWorkflow(input: ExperimentWorkflowInput): Promise<{ winner: string | null }> {
  for (;;) {
    await sleep(input.evaluationIntervalMs);
    const verdict = await evaluateExperiment({ experimentId: input.experimentId });
    if (!verdict.running) return { winner: verdict.winner };
  }
}
