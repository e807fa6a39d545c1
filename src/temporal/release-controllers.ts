// The ReleaseControllers port (src/programs/release-controllers.ts) on Temporal: each controller
// is a workflow with an id of its own (addressing.ts), on the customers' task queue.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { ReleaseControllers } from '../programs/release-controllers';
import type { ExperimentWorkflowInput } from '../../workflows/controllers/experiment-workflow';
import type { RolloutWorkflowInput } from '../../workflows/controllers/rollout-workflow';
import { experimentWorkflowId, rolloutWorkflowId } from './addressing';

export function createReleaseControllers(client: Client, taskQueue: string): ReleaseControllers {
  return {
    async startRollout(input: RolloutWorkflowInput) {
      try {
        await client.workflow.start('rolloutWorkflow', {
          workflowId: rolloutWorkflowId(input.rolloutId),
          taskQueue,
          args: [input],
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    },
    async startExperiment(input: ExperimentWorkflowInput) {
      await client.workflow.start('experimentWorkflow', {
        workflowId: experimentWorkflowId(input.experimentId),
        taskQueue,
        args: [input],
      });
    },
  };
}
