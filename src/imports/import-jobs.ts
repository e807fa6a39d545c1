// The port to the durable job that runs an import (one Temporal workflow per import,
// src/temporal/import-jobs.ts). The import service stores the import, then starts its job.

export interface ImportJobs {
  /** Starts the import's job; one already started for it is left alone. */
  start(importId: string): Promise<void>;
  /** Asks the import's job to end; a job that has ended or never started is fine. */
  cancel(importId: string): Promise<void>;
}
