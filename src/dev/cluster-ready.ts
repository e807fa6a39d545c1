// When the processes of `npm run cluster` are ready, by what they do rather than what they log
// (a LOG_LEVEL of warn would hide that): an API answers /readyz (Temporal and the database answer
// it), and a worker polls its task queue, found by its Temporal identity (`<pid>@<host>`).
import { hostname } from 'node:os';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { KairosProcess } from './cluster-process';

/** Starting takes tsx's compile, and for a worker bundling the workflow code, on a busy 2-core machine. */
const READY_TIMEOUT_MS = 180_000;

export async function apiReady(child: KairosProcess, url: string): Promise<void> {
  await until(child, `${url}/readyz to answer 200`, async () => {
    const res = await fetch(`${url}/readyz`).catch(() => undefined);
    return res?.status === 200;
  });
}

export async function workerReady(child: KairosProcess, client: Client, taskQueue: string): Promise<void> {
  const identity = `${child.pid}@${hostname()}`;
  await until(child, `it to poll task queue ${taskQueue}`, async () => {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    return (pollers ?? []).some((p) => p.identity === identity);
  });
}

/** Polls `ready` every half second; fails when the process ends first or the bound passes. */
async function until(child: KairosProcess, what: string, ready: () => Promise<boolean>): Promise<void> {
  let ended = false;
  void child.exited.then(() => (ended = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await ready().catch(() => false))) {
    if (ended) throw new Error(`${child.name} exited before it was ready (see its log above)`);
    if (Date.now() > deadline) throw new Error(`${child.name} was not ready in ${READY_TIMEOUT_MS / 1000} s: ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
