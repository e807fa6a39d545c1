// The controllers (rollout, experiment) are PINNED under Worker Versioning: each ends with its
// rollout or experiment, so it finishes on the build it started on, and that build drains when it
// ends. Customer workflows, which never end, auto-upgrade instead (src/worker/create-worker.ts).
import { setWorkflowOptions, workflowInfo } from '@temporalio/workflow';

/**
 * Declares `workflow` PINNED when it runs on a versioned worker, and nothing otherwise: the server
 * refuses every workflow task whose completion names a behaviour if the worker is unversioned
 * ("versioning behavior cannot be specified without deployment options being set with versioned
 * mode"), and `npm start`, the tests and KAIROS_WORKER_VERSIONING=false run unversioned workers.
 * The getter runs once per run, when the workflow is first loaded on a worker; the deployment
 * version of the task then (this worker's, or on replay the one history recorded for the first
 * task) names a deployment only on a versioned worker. A run started unversioned and later
 * resumed by a versioned worker (the first versioned deploy) takes the worker's default.
 */
export function pinnedWhenVersioned<A extends unknown[], R>(workflow: (...args: A) => Promise<R>): void {
  setWorkflowOptions(
    () => (workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior: 'PINNED' } : {}),
    workflow,
  );
}
