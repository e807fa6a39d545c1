// Buffers step records and writes them in batches. Record ids are deterministic, so a replayed
// or retried batch inserts nothing twice. The writes run in the background while the journey
// goes on, so they are normal activities: a local activity running beside others can be
// resolved in another order on replay.
import { condition, isCancellation, log, patched } from '@temporalio/workflow';
import type { StepRecord } from '../../activities';
import { remote, type LocalActivities } from './activities';
import { failureReason } from './failures';

const BATCH = 200;

export class StepRecorder {
  private pending: StepRecord[] = [];
  private flushing = false;
  private started = false;

  /** `ready()`: a good moment to write (the workflow has no event waiting to be handled). */
  constructor(
    private readonly local: LocalActivities,
    private readonly ready: () => boolean,
  ) {}

  push(record: StepRecord): void {
    this.pending.push(record);
    if (!patched('serial-local-activities')) {
      // Histories from before: every record was written at once.
      if (!this.flushing) void this.flush();
    } else if (!this.started) {
      this.started = true;
      void this.writeInBatches();
    }
  }

  /** True when every record so far is written: required before continue-as-new. */
  idle(): boolean {
    return !this.flushing && this.pending.length === 0;
  }

  // Waits for a full batch or a quiet moment, so a burst of events costs one write, not one each.
  private async writeInBatches(): Promise<void> {
    for (;;) {
      await condition(() => this.pending.length >= BATCH || (this.pending.length > 0 && this.ready()));
      await this.flush();
    }
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, BATCH);
        try {
          await (patched('serial-local-activities') ? remote.recordSteps(batch) : this.local.recordSteps(batch));
        } catch (err) {
          // Only after the activity's retry bound: the records are lost, the journeys go on.
          if (isCancellation(err)) throw err;
          log.error('step records not written', { count: batch.length, first: batch[0]?.id, reason: failureReason(err) });
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
