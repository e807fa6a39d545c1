// Worker Deployment routing: which build of the worker runs customer workflows (the current
// version; auto-upgrade workflows move to it at their next workflow task) and which takes a share
// of them (the ramping version), and which builds still hold open workflows. The one module that
// calls Temporal's deployment APIs; `kairos deploy`, `npm start` and the tests go through it.
import { isGrpcServiceError, type Client } from '@temporalio/client';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';

const { RoutingConfigUpdateState, WorkerDeploymentVersionStatus } = temporal.api.enums.v1;
const GRPC_NOT_FOUND = 5;

interface VersionSummary {
  buildId: string;
  /**
   * current, ramping, draining (the server last saw open pinned workflows on it), drained,
   * inactive, created. The server refreshes draining/drained periodically from visibility, minutes
   * behind by default (`matching.wv.VersionDrainageStatusRefreshInterval` and
   * `...VisibilityGracePeriod`, 3 min each), and counts pinned workflows only.
   */
  status: string;
  createdAt: string | null;
}

/** The open (running) workflows whose last workflow task ran on a version, from visibility. */
interface VersionWorkflows {
  open: number;
  /** Need this build's workers until they end (the rollout and experiment controllers). */
  pinned: number;
  /** Move to the current (or ramping) build at their next workflow task (customer workflows). */
  autoUpgrade: number;
}

interface VersionDescription extends VersionSummary {
  workflows: VersionWorkflows;
}

interface DeploymentRouting {
  deploymentName: string;
  /** null: new workflows go to unversioned workers. */
  current: string | null;
  /** buildId null: the ramp goes to unversioned workers. */
  ramping: { buildId: string | null; percentage: number } | null;
  /** false while the routing change is still reaching the task queues. */
  propagated: boolean;
  versions: VersionSummary[];
}

/** The routing, and per version the open workflows that still hold it (`kairos deploy describe`). */
export interface DeploymentDescription extends Omit<DeploymentRouting, 'versions'> {
  versions: VersionDescription[];
}

export interface RoutingChange {
  routing: DeploymentRouting;
  /** false when the deployment already routed this way (nothing was sent). */
  changed: boolean;
}

export interface WaitOptions {
  /** Wait up to this long for the version's workers to poll, and for the change to propagate. */
  waitMs?: number;
}

class DeploymentNotFoundError extends Error {
  override name = 'DeploymentNotFoundError';
}

/**
 * The deployment's routing and, per version, its open workflows; undefined if no versioned worker
 * of it has polled yet.
 */
export async function describeDeployment(
  client: Client,
  deploymentName: string,
): Promise<DeploymentDescription | undefined> {
  let routing: DeploymentRouting;
  try {
    routing = (await read(client, deploymentName)).routing;
  } catch (err) {
    if (err instanceof DeploymentNotFoundError) return undefined;
    throw err;
  }
  const versions = await Promise.all(
    routing.versions.map(async (v) => ({ ...v, workflows: await workflowsOn(client, deploymentName, v.buildId) })),
  );
  return { ...routing, versions };
}

/**
 * Counts the running workflows on a version through visibility: the system search attributes
 * `TemporalWorkerDeploymentVersion` ('<deployment>:<build id>', the version of the workflow's last
 * workflow task) and `TemporalWorkflowVersioningBehavior` ('Pinned' or 'AutoUpgrade'). The
 * server's own drainage check runs the pinned query. Visibility trails the workflows by moments.
 */
async function workflowsOn(client: Client, deploymentName: string, buildId: string): Promise<VersionWorkflows> {
  const onVersion =
    `TemporalWorkerDeploymentVersion = ${literal(`${deploymentName}:${buildId}`)}` + ` AND ExecutionStatus = 'Running'`;
  const count = async (query: string) => (await client.workflow.count(query)).count;
  const [open, pinned, autoUpgrade] = await Promise.all([
    count(onVersion),
    count(`${onVersion} AND TemporalWorkflowVersioningBehavior = 'Pinned'`),
    count(`${onVersion} AND TemporalWorkflowVersioningBehavior = 'AutoUpgrade'`),
  ]);
  return { open, pinned, autoUpgrade };
}

/** A string literal of Temporal's list-filter language. */
function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Makes `buildId` (null: unversioned workers) the version new workflows start on. Idempotent. */
export async function setCurrentVersion(
  client: Client,
  deploymentName: string,
  buildId: string | null,
  options: WaitOptions = {},
): Promise<RoutingChange> {
  return change(
    client,
    deploymentName,
    buildId,
    options,
    (r) => r.current === buildId,
    (conflictToken) =>
      client.workflowService.setWorkerDeploymentCurrentVersion({
        ...request(client, deploymentName, conflictToken),
        buildId: buildId ?? '',
      }),
  );
}

/** Sends `percentage` of new workflows to `buildId` instead of the current version. Idempotent. */
export async function setRampingVersion(
  client: Client,
  deploymentName: string,
  buildId: string,
  percentage: number,
  options: WaitOptions = {},
): Promise<RoutingChange> {
  return change(
    client,
    deploymentName,
    buildId,
    options,
    (r) => r.ramping?.buildId === buildId && r.ramping.percentage === percentage,
    (conflictToken) =>
      client.workflowService.setWorkerDeploymentRampingVersion({
        ...request(client, deploymentName, conflictToken),
        buildId,
        percentage,
      }),
  );
}

async function change(
  client: Client,
  deploymentName: string,
  buildId: string | null,
  options: WaitOptions,
  alreadyDone: (routing: DeploymentRouting) => boolean,
  send: (conflictToken: Uint8Array) => Promise<unknown>,
): Promise<RoutingChange> {
  const deadline = Date.now() + (options.waitMs ?? 0);
  const before = await poll(
    () => read(client, deploymentName),
    (s) => ready(client, deploymentName, buildId, s.routing),
    deadline,
  );
  if (alreadyDone(before.routing)) return { routing: before.routing, changed: false };
  // The conflict token makes the change fail if someone else changed the routing since the read.
  await send(before.conflictToken);
  const after = await poll(
    () => read(client, deploymentName),
    async (s) => s.routing.propagated,
    deadline,
  );
  return { routing: after.routing, changed: true };
}

/**
 * Whether the server would accept routing to `buildId`: its workers have polled (a worker just
 * started may not have yet) every task queue the current version polls, workflow and activity
 * alike; otherwise the server refuses, as those task queues would become unversioned.
 */
async function ready(
  client: Client,
  deploymentName: string,
  buildId: string | null,
  routing: DeploymentRouting,
): Promise<boolean> {
  if (buildId === null) return true;
  if (!routing.versions.some((v) => v.buildId === buildId)) return false;
  if (routing.current === null || routing.current === buildId) return true;
  const [target, current] = await Promise.all([
    taskQueuesOf(client, deploymentName, buildId),
    taskQueuesOf(client, deploymentName, routing.current),
  ]);
  return [...current].every((q) => target.has(q));
}

/** The task queues a version's workers have polled; none while the server does not know it yet. */
async function taskQueuesOf(client: Client, deploymentName: string, buildId: string): Promise<Set<string>> {
  try {
    const { workerDeploymentVersionInfo: info } = await client.workflowService.describeWorkerDeploymentVersion({
      namespace: client.options.namespace,
      deploymentVersion: { deploymentName, buildId },
    });
    return new Set((info?.taskQueueInfos ?? []).map((q) => `${q.type ?? 0}:${q.name ?? ''}`));
  } catch (err) {
    // Listed in the deployment's summary a moment before the version itself can be described.
    if (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND) return new Set();
    throw err;
  }
}

/** Retries `attempt` until `done` (or a NOT_FOUND goes away) or the deadline; then returns what it has, or throws. */
async function poll<T>(attempt: () => Promise<T>, done: (value: T) => Promise<boolean>, deadline: number): Promise<T> {
  for (;;) {
    try {
      const value = await attempt();
      if ((await done(value)) || Date.now() >= deadline) return value;
    } catch (err) {
      if (!(err instanceof DeploymentNotFoundError) || Date.now() >= deadline) throw err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function request(client: Client, deploymentName: string, conflictToken: Uint8Array) {
  return { namespace: client.options.namespace, deploymentName, conflictToken, identity: client.options.identity };
}

async function read(
  client: Client,
  deploymentName: string,
): Promise<{ routing: DeploymentRouting; conflictToken: Uint8Array }> {
  let response: temporal.api.workflowservice.v1.IDescribeWorkerDeploymentResponse;
  try {
    response = await client.workflowService.describeWorkerDeployment({
      namespace: client.options.namespace,
      deploymentName,
    });
  } catch (err) {
    if (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND) {
      throw new DeploymentNotFoundError(
        `no Worker Deployment named '${deploymentName}': no versioned worker of it has polled the server yet`,
      );
    }
    throw err;
  }
  const info = response.workerDeploymentInfo;
  const config = info?.routingConfig;
  const percentage = config?.rampingVersionPercentage ?? 0;
  const rampingBuildId = config?.rampingDeploymentVersion?.buildId || null;
  return {
    conflictToken: response.conflictToken ?? new Uint8Array(),
    routing: {
      deploymentName,
      current: config?.currentDeploymentVersion?.buildId || null,
      ramping: rampingBuildId !== null || percentage > 0 ? { buildId: rampingBuildId, percentage } : null,
      propagated: info?.routingConfigUpdateState !== RoutingConfigUpdateState.ROUTING_CONFIG_UPDATE_STATE_IN_PROGRESS,
      versions: (info?.versionSummaries ?? []).map((v) => ({
        buildId: v.deploymentVersion?.buildId ?? '',
        status: statusName(v.status),
        createdAt: optionalTsToDate(v.createTime)?.toISOString() ?? null,
      })),
    },
  };
}

function statusName(status: number | null | undefined): string {
  const name = WorkerDeploymentVersionStatus[status ?? 0] ?? 'UNSPECIFIED';
  return name.replace('WORKER_DEPLOYMENT_VERSION_STATUS_', '').toLowerCase();
}
