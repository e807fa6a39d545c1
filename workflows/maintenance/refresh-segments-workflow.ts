// Recomputes the segments that change without an event of the customer's (windows, time-based
// traits, profiles) and versions just published, started every 5 minutes by a Temporal Schedule
// (src/temporal/schedules.ts). The transitions' events go to the customers through the relay.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';

// A full recompute of a large base takes minutes; a retry repeats only what is still to change.
const { refreshSegments } = proxyActivities<Activities>({
  startToCloseTimeout: '30m',
  retry: { maximumAttempts: 3 },
});

export async function refreshSegmentsWorkflow(): Promise<{ segments: number; entered: number; left: number }> {
  return refreshSegments();
}
