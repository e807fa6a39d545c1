// Rebuilds the precomputed recommendation candidates, started hourly by a Temporal Schedule
// (src/temporal/schedules.ts), so purchases that arrive as events reach the lists without imports.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';

// One rebuild takes seconds; a few attempts cover a database restart, and the next hour tries again.
const { refreshRecommendations } = proxyActivities<Activities>({
  startToCloseTimeout: '10m',
  retry: { maximumAttempts: 3 },
});

export async function refreshRecommendationsWorkflow(): Promise<{ pairs: number; shortlisted: number }> {
  return refreshRecommendations();
}
