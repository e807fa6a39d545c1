// The one place that builds Temporal workflow ids: the API, the activities and the tools call
// this, so nobody else spells `customer:<id>`.

export function customerWorkflowId(customerId: string): string {
  return `customer:${customerId}`;
}

/** The controller ramping one rollout (workflows/controllers/rollout-workflow.ts). */
export function rolloutWorkflowId(rolloutId: string): string {
  return `rollout:${rolloutId}`;
}

/** The controller watching one experiment for a winner (workflows/controllers/experiment-workflow.ts). */
export function experimentWorkflowId(experimentId: string): string {
  return `experiment:${experimentId}`;
}

/** The job running one bulk import (workflows/imports/import-workflow.ts). */
export function importWorkflowId(importId: string): string {
  return `kairos:import:${importId}`;
}

/** The hourly recommendation rebuild's schedule, and the workflow id of each run it starts. */
export const RECOMMENDATIONS_SCHEDULE_ID = 'kairos:refresh-recommendations';

/** The segments' recompute (time-only conditions, new versions), and the workflow id of each run. */
export const SEGMENTS_SCHEDULE_ID = 'kairos:refresh-segments';

/** The daily refresh of the computed traits time alone changes (windows, RFM), and each run's workflow id. */
export const TRAITS_SCHEDULE_ID = 'kairos:refresh-traits';

/** The run of one broadcast (workflows/broadcasts/broadcast-workflow.ts). */
export function broadcastWorkflowId(broadcastId: string): string {
  return `kairos:broadcast:${broadcastId}`;
}
