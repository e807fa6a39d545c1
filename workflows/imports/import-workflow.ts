// One workflow per bulk import (`kairos:import:<id>`): runs the file chunk by chunk through the
// importChunk activity, each resuming from the checkpoint in the import's row, so a worker crash
// or restart resumes where it was, on any worker. Then it closes the import and, for products and
// purchases, rebuilds the recommendation lists the new lines feed.
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { pinnedWhenVersioned } from '../controllers/pinned';

export interface ImportWorkflowInput {
  importId: string;
}

// A chunk runs for a minute or so and heartbeats after every batch: a worker that dies is noticed
// within the heartbeat timeout and the chunk retried elsewhere, from its last checkpoint. A chunk
// that fails again and again (the database refusing a batch) fails the import after ten attempts.
const { importChunk } = proxyActivities<Activities>({
  startToCloseTimeout: '15m',
  heartbeatTimeout: '30s',
  // A cancelled import's chunk is left to notice on its own: its row no longer lets it write.
  cancellationType: ActivityCancellationType.TRY_CANCEL,
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 10 },
});
const { endImport } = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});
const { refreshRecommendations } = proxyActivities<Activities>({
  startToCloseTimeout: '10m',
  retry: { maximumAttempts: 3 },
});

// PINNED under Worker Versioning: an import ends, so it finishes on the build it started on.
pinnedWhenVersioned(importWorkflow);

export async function importWorkflow(input: ImportWorkflowInput): Promise<{ status: string; rowsOk: number }> {
  let outcome: 'more' | 'done' | { failure: string };
  try {
    do outcome = await importChunk(input);
    while (outcome === 'more' && !workflowInfo().continueAsNewSuggested);
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => endImport({ ...input, cancelled: true }));
      throw err;
    }
    outcome = { failure: failureOf(err) };
  }
  // A chunk can end (its row no longer lets it write) in the activation that brings the cancel:
  // the import still ends cancelled, its upload removed, rather than stopping before endImport.
  if (cancelRequested()) {
    await CancellationScope.nonCancellable(() => endImport({ ...input, cancelled: true }));
    throw new CancelledFailure('import cancelled');
  }
  if (outcome === 'more') return continueAsNew<typeof importWorkflow>(input);
  const ended = await endImport(outcome === 'done' ? input : { ...input, failure: outcome.failure });
  if (ended.kind !== 'customers' && ended.rowsOk > 0) {
    // The lists are rebuilt hourly anyway: a failed rebuild does not fail the import.
    await refreshRecommendations().catch((err: unknown) =>
      log.warn('recommendation rebuild after an import failed', { importId: input.importId, error: failureOf(err) }),
    );
  }
  return { status: ended.status, rowsOk: ended.rowsOk };
}

const cancelRequested = () => CancellationScope.current().consideredCancelled;

function failureOf(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : String(cause);
}
