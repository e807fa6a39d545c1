// Recording mode for the replay suite: with KAIROS_RECORD_HISTORIES=<dir>, each test world
// writes the histories of its customer workflows there when it stops (`npm run histories:record`).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import type { Db } from '../../src/db/prisma';
import {
  broadcastWorkflowId,
  customerWorkflowId,
  experimentWorkflowId,
  importWorkflowId,
  rolloutWorkflowId,
} from '../../src/temporal/addressing';
import { codecsOf, decodeHistory } from '../../src/temporal/history-codec';

const { EventType } = temporal.api.enums.v1;

type Handle = ReturnType<TestWorkflowEnvironment['client']['workflow']['getHandle']>;

// A history cut in the middle of a workflow task cannot be replayed: wait until the last task
// has completed (only its commands follow it: markers, timers, search attributes) and no
// activity is pending (the workflow is parked), up to a few seconds. Stored decrypted: a baseline
// is read in review and must replay whatever key a later test run uses.
async function settledHistory(handle: Handle, codecs: ReturnType<typeof codecsOf>) {
  for (let attempt = 0; ; attempt++) {
    const history = await decodeHistory(await handle.fetchHistory(), codecs);
    const types = (history.events ?? []).map((e) => e.eventType);
    const lastTask = types.lastIndexOf(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    const parked = lastTask !== -1 && !types.slice(lastTask).includes(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    if ((parked && (await handle.describe()).raw.pendingActivities?.length === 0) || attempt >= 50) return history;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function recordHistories(env: TestWorkflowEnvironment, db: Db, scenario: string): Promise<void> {
  const dir = process.env.KAIROS_RECORD_HISTORIES;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const customers = await db.customer.findMany({ select: { id: true }, orderBy: { createdAt: 'asc' } });
  for (const [i, { id }] of customers.entries()) {
    const handle = env.client.workflow.getHandle(customerWorkflowId(id));
    const history = await settledHistory(handle, codecsOf(env.client)).catch(() => undefined);
    // A customer who never had an event has no workflow: nothing to record.
    if (history) writeFileSync(join(dir, `${scenario}-${i + 1}.json`), historyToJSON(history));
  }
  // The controllers of rollouts and experiments, broadcasts' runs and import jobs are workflows too, replayed the
  // same way.
  const controllers = [
    ...(await db.rollout.findMany({ select: { id: true } })).map((r) => rolloutWorkflowId(r.id)),
    ...(await db.experiment.findMany({ select: { id: true } })).map((e) => experimentWorkflowId(e.id)),
    ...(await db.broadcast.findMany({ select: { id: true }, orderBy: { createdAt: 'asc' } })).map((b) =>
      broadcastWorkflowId(b.id),
    ),
    ...(await db.import.findMany({ select: { id: true }, orderBy: { startedAt: 'asc' } })).map((i) =>
      importWorkflowId(i.id),
    ),
  ];
  for (const [i, workflowId] of controllers.entries()) {
    const history = await settledHistory(env.client.workflow.getHandle(workflowId), codecsOf(env.client)).catch(
      () => undefined,
    );
    if (history) writeFileSync(join(dir, `${scenario}-controller-${i + 1}.json`), historyToJSON(history));
  }
}
