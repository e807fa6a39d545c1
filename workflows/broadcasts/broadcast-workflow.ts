// One workflow per broadcast (`kairos:broadcast:<id>`): waits for the send time on a durable
// timer, then steps the run (src/broadcasts/advance-broadcast.ts: snapshot the segment, enqueue
// pages of events into the outbox, watch the program until everyone has left it), waiting
// between steps as long as each says, or until the API nudges it (paused, resumed, cancelled).
import {
  condition,
  continueAsNew,
  defineSignal,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { pinnedWhenVersioned } from '../controllers/pinned';

export interface BroadcastWorkflowInput {
  broadcastId: string;
  /** ISO instant; null: at once. */
  sendAt: string | null;
  /** Tests and the bench set these; the defaults suit production. */
  pageSize?: number;
  pollMs?: number;
  settleMs?: number;
}

/** The broadcast's row changed: look at it now. */
export const broadcastChanged = defineSignal('broadcastChanged');

const { advanceBroadcast } = proxyActivities<Activities>({
  // A step is a few statements; the snapshot of a large segment is one INSERT … SELECT.
  startToCloseTimeout: '2m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

// PINNED under Worker Versioning: it ends with its broadcast, on the build it started on.
pinnedWhenVersioned(broadcastWorkflow);

export async function broadcastWorkflow(input: BroadcastWorkflowInput): Promise<{ status: string }> {
  let nudged = false;
  setHandler(broadcastChanged, () => {
    nudged = true;
  });
  /** Waits `ms` or until nudged; says whether it was nudged. */
  const nap = async (ms: number): Promise<boolean> => {
    const woken = await condition(() => nudged, ms);
    nudged = false;
    return woken;
  };
  const step = (due: boolean) =>
    advanceBroadcast({
      broadcastId: input.broadcastId,
      due,
      pageSize: input.pageSize ?? 1000,
      pollMs: input.pollMs ?? 2000,
      settleMs: input.settleMs ?? 120_000,
    });

  const sendAt = input.sendAt ? Date.parse(input.sendAt) : 0;
  while (Date.now() < sendAt) {
    // Nudged before the send time: cancelled, perhaps.
    if (await nap(sendAt - Date.now())) {
      const early = await step(false);
      if (early.done) return { status: early.status };
    }
  }
  for (;;) {
    const next = await step(true);
    if (next.done) return { status: next.status };
    // The state is the broadcast's row: a new run carries nothing but the input.
    if (workflowInfo().continueAsNewSuggested)
      await continueAsNew<typeof broadcastWorkflow>({ ...input, sendAt: null });
    if (next.waitMs > 0) await nap(next.waitMs);
  }
}
