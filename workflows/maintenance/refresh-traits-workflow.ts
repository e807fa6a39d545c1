// Refreshes the computed traits that change with time alone (12-month value, 30-day opens and
// clicks) and the RFM quintiles, started daily by a Temporal Schedule (src/temporal/schedules.ts).
// Purchases, engagement and profile changes keep the rest current as they are written.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';

// A run over a million customers takes minutes; a few attempts cover a database restart, and the
// next day's run mends whatever this one left (each pass compares with what is stored).
const { refreshTimeBoundTraits } = proxyActivities<Activities>({
  startToCloseTimeout: '1h',
  retry: { maximumAttempts: 3 },
});

export async function refreshTraitsWorkflow(): Promise<{ windows: number; rfm: number }> {
  return refreshTimeBoundTraits();
}
