// Kairos's scheduled work, as Temporal Schedules: they run once per interval across every worker
// and API replica, survive restarts, and show in the Web UI. Ensured by each API process at start.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { RECOMMENDATIONS_SCHEDULE_ID } from './addressing';

/** Creates the hourly recommendation rebuild unless it exists; replicas starting together are fine. */
export async function ensureSchedules(client: Client, taskQueue: string, logger: Pick<Logger, 'info'>): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: RECOMMENDATIONS_SCHEDULE_ID,
      spec: { intervals: [{ every: '1h' }] },
      // A rebuild still running when the next is due makes the next one pointless.
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
      action: {
        type: 'startWorkflow',
        workflowType: 'refreshRecommendationsWorkflow',
        taskQueue,
        workflowId: RECOMMENDATIONS_SCHEDULE_ID,
      },
    });
    logger.info({ scheduleId: RECOMMENDATIONS_SCHEDULE_ID }, 'schedule created');
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
}
