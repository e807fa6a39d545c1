// Builds a Kairos worker: the customer workflow bundle plus the activities, on a given
// connection. Shared by the worker process, `npm start` and the tests.
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';

export const WORKFLOWS_PATH = require.resolve('../../workflows');

export interface KairosWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A prebuilt bundle (tests build one per run); otherwise bundled from WORKFLOWS_PATH. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Extra options, e.g. cache size for benchmarks. */
  tuning?: Partial<Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions'>>;
}

export async function createKairosWorker(options: KairosWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(options.deps),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...options.tuning,
  });
}
