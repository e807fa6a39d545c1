// The ImportJobs port (src/imports/import-jobs.ts) on Temporal: one workflow per import, its id
// from addressing.ts, on the customers' task queue.
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { ImportJobs } from '../imports/import-jobs';
import type { importWorkflow } from '../../workflows/imports/import-workflow';
import { importWorkflowId } from './addressing';

export function createImportJobs(client: Client, taskQueue: string): ImportJobs {
  return {
    async start(importId) {
      try {
        await client.workflow.start<typeof importWorkflow>('importWorkflow', {
          workflowId: importWorkflowId(importId),
          taskQueue,
          args: [{ importId }],
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    },
    async cancel(importId) {
      try {
        await client.workflow.getHandle(importWorkflowId(importId)).cancel();
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    },
  };
}
