// Buffers step records and writes them in batches through a local activity. Record ids are
// deterministic, so a replayed or retried batch inserts nothing twice.
import type { StepRecord } from '../../activities';
import type { LocalActivities } from './activities';

export class StepRecorder {
  private pending: StepRecord[] = [];
  private flushing = false;

  constructor(private readonly local: LocalActivities) {}

  push(record: StepRecord): void {
    this.pending.push(record);
    if (!this.flushing) void this.flush();
  }

  /** True when every record so far is written: required before continue-as-new. */
  idle(): boolean {
    return !this.flushing && this.pending.length === 0;
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) await this.local.recordSteps(this.pending.splice(0, 200));
    } finally {
      this.flushing = false;
    }
  }
}
