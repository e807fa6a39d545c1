// The port to the workflows that steer a release: one per staged rollout and one per
// auto-promoting experiment (workflows/controllers/). The services that start releases depend
// on this; src/temporal/release-controllers.ts starts them on Temporal.

export interface ReleaseControllers {
  /** Starts the rollout's ramp; one already running for it (a retried request) is left alone. */
  startRollout(input: {
    rolloutId: string;
    plan: { percent: number; dwellMs: number }[];
    evaluationIntervalMs: number;
  }): Promise<void>;
  /** Starts the experiment's watch for a winner. */
  startExperiment(input: { experimentId: string; evaluationIntervalMs: number }): Promise<void>;
}
