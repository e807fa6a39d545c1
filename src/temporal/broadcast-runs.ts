// The BroadcastRuns port (src/broadcasts/broadcast-runs.ts) on Temporal: one workflow per
// broadcast, addressed by addressing.ts, on the customers' task queue.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { BroadcastRuns } from '../broadcasts/broadcast-runs';
import { broadcastChanged, type BroadcastWorkflowInput } from '../../workflows/broadcasts/broadcast-workflow';
import { broadcastWorkflowId } from './addressing';

/** Tests and the bench: smaller pages, quicker looks. */
export type BroadcastTuning = Pick<BroadcastWorkflowInput, 'pageSize' | 'pollMs' | 'settleMs'>;

export function createBroadcastRuns(client: Client, taskQueue: string, tuning: BroadcastTuning = {}): BroadcastRuns {
  return {
    async start({ broadcastId, sendAt }) {
      try {
        await client.workflow.start('broadcastWorkflow', {
          workflowId: broadcastWorkflowId(broadcastId),
          taskQueue,
          args: [{ broadcastId, sendAt, ...tuning } satisfies BroadcastWorkflowInput],
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    },
    async nudge(broadcastId) {
      await client.workflow.getHandle(broadcastWorkflowId(broadcastId)).signal(broadcastChanged);
    },
  };
}
