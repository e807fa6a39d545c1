// Kairos's scheduled work, as Temporal Schedules: they run once per interval across every worker
// and API replica, survive restarts, and show in the Web UI. Ensured by each API process at start.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { RECOMMENDATIONS_SCHEDULE_ID, SEGMENTS_SCHEDULE_ID, TRAITS_SCHEDULE_ID } from './addressing';

/**
 * Each schedule: its id (also the workflow id of each run), interval and workflow. A run still
 * going when the next is due makes the next one pointless (SKIP).
 */
const SCHEDULES = [
  { scheduleId: RECOMMENDATIONS_SCHEDULE_ID, every: '1h', workflowType: 'refreshRecommendationsWorkflow' },
  // Time-only segment conditions ("no purchase for 60 days") and newly published versions.
  { scheduleId: SEGMENTS_SCHEDULE_ID, every: '5m', workflowType: 'refreshSegmentsWorkflow' },
  // 12-month value, 30-day engagement and RFM quintiles; run at creation too, so that the scores
  // a new installation or an upgrade leaves null are filled the day it starts.
  { scheduleId: TRAITS_SCHEDULE_ID, every: '24h', workflowType: 'refreshTraitsWorkflow', runAtCreation: true },
] as const;

/** Creates each schedule unless it exists; replicas starting together are fine. */
export async function ensureSchedules(client: Client, taskQueue: string, logger: Pick<Logger, 'info'>): Promise<void> {
  for (const schedule of SCHEDULES) {
    const { scheduleId, every, workflowType } = schedule;
    try {
      await client.schedule.create({
        scheduleId,
        spec: { intervals: [{ every }] },
        policies: { overlap: ScheduleOverlapPolicy.SKIP },
        action: { type: 'startWorkflow', workflowType, taskQueue, workflowId: scheduleId },
        state: { triggerImmediately: 'runAtCreation' in schedule },
      });
      logger.info({ scheduleId }, 'schedule created');
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    }
  }
}
