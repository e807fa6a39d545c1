// The port to the workflows that run broadcasts, one per broadcast (workflows/broadcasts/); the
// Temporal adapter is src/temporal/broadcast-runs.ts.

export interface BroadcastRuns {
  /** Starts the run, which waits for `sendAt` first; one already started for it is left alone. */
  start(input: { broadcastId: string; sendAt: string | null }): Promise<void>;
  /** Tells the run its broadcast changed (paused, resumed, cancelled), so it acts now, not at its next look. */
  nudge(broadcastId: string): Promise<void>;
}
