// Builds a Kairos worker: the customer workflow bundle plus the activities, on a given
// connection. Shared by the worker process, `npm start` and the tests.
import type { DataConverter, WorkerDeploymentVersion } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import { recompileStale } from '../programs/execution-form';
import type { WorkerTracing } from '../tracing/temporal-tracing';
import { poisonFailures } from './poison-failures';

export const WORKFLOWS_PATH = require.resolve('../../workflows');

export interface KairosWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /**
   * Worker Versioning: this worker serves one version (build) of a Worker Deployment. Customer
   * workflows follow the deployment's current version (AUTO_UPGRADE); the controllers stay on the
   * build they started on (PINNED, declared in their modules). Unset: an unversioned worker.
   */
  deployment?: WorkerDeploymentVersion;
  /** The payload codec (src/temporal/payload-codec.ts): what the worker writes into histories is encrypted. */
  dataConverter?: DataConverter;
  /** A prebuilt bundle (tests build one per run); otherwise bundled from WORKFLOWS_PATH. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /**
   * On shutdown, how long activities in flight may run on before they are cancelled (Temporal's
   * `shutdownGraceTime`; its default, 0, cancels them at once). KAIROS_WORKER_SHUTDOWN_GRACE_MS.
   */
  shutdownGraceMs?: number;
  /**
   * OpenTelemetry (src/tracing/temporal-tracing.ts): spans around activities, the workflow
   * interceptors bundled in and the sink their spans leave by. Unset: none of it. A prebuilt
   * `workflowBundle` must have been bundled with its workflowModules for workflows to be traced.
   */
  tracing?: WorkerTracing;
  /** Extra options, e.g. cache size for benchmarks. */
  tuning?: Partial<
    Pick<
      WorkerOptions,
      'maxCachedWorkflows' | 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions'
    >
  >;
}

/** The worker's version from its settings (src/config.ts `deployment`); undefined: versioning is off. */
export function deploymentVersionOf(settings: {
  name: string;
  buildId: string;
  versioning: boolean;
}): WorkerDeploymentVersion | undefined {
  return settings.versioning ? { deploymentName: settings.name, buildId: settings.buildId } : undefined;
}

export async function createKairosWorker(options: KairosWorkerOptions): Promise<Worker> {
  // Before it polls: versions stored before execution forms were, or in an older format, get the
  // current one, so an upgrade needs no manual step (readers refuse a version without it).
  await recompileStale(options.deps.db, options.deps.logger);
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(options.deps),
    interceptors: {
      // Tracing outermost: the activity's span records what poisonFailures made of its failure.
      activity: [...(options.tracing?.activity ?? []), poisonFailures],
      ...(options.tracing ? { workflowModules: options.tracing.workflowModules } : {}),
    },
    ...(options.tracing ? { sinks: options.tracing.sinks } : {}),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...(options.shutdownGraceMs !== undefined ? { shutdownGraceTime: options.shutdownGraceMs } : {}),
    // AUTO_UPGRADE by default: customer workflows never end, so pinned they would hold their first
    // build's workers forever. Instead each moves to the current build at its next workflow task,
    // and that build replays the history the old one wrote. That is safe only because every change
    // that could alter a history's commands goes behind patched() and the replay suite
    // (test/replay) replays the committed histories of every interpreter version against the new
    // code (docs/ARCHITECTURE.md "Determinism rules"). The controllers (rollout, experiment)
    // declare PINNED (workflows/controllers/pinned.ts) and finish on the build they started on.
    ...(options.deployment
      ? {
          workerDeploymentOptions: {
            useWorkerVersioning: true,
            version: options.deployment,
            defaultVersioningBehavior: 'AUTO_UPGRADE',
          },
        }
      : {}),
    ...options.tuning,
  });
}
