// Kairos's scheduled work, as Temporal Schedules: they run once per interval across every worker
// and API replica, survive restarts, and show in the Web UI. Ensured by each API process at start.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleHandle } from '@temporalio/client';
import ms, { type StringValue } from 'ms';
import type { Logger } from 'pino';
import { RECOMMENDATIONS_SCHEDULE_ID, SEGMENTS_SCHEDULE_ID, TRAITS_SCHEDULE_ID } from './addressing';

/**
 * Each schedule: its id (also the workflow id of each run), interval and workflow. A run still
 * going when the next is due makes the next one pointless (SKIP).
 */
const schedulesOf = (
  settings: ScheduleSettings,
): { scheduleId: string; every: StringValue; workflowType: string; runAtCreation?: true }[] => [
  { scheduleId: RECOMMENDATIONS_SCHEDULE_ID, every: '1h', workflowType: 'refreshRecommendationsWorkflow' },
  // Time-only segment conditions ("no purchase for 60 days"), imports, newly published versions.
  { scheduleId: SEGMENTS_SCHEDULE_ID, every: settings.segmentsEvery, workflowType: 'refreshSegmentsWorkflow' },
  // 12-month value, 30-day engagement and RFM quintiles; run at creation too, so that the scores
  // a new installation or an upgrade leaves null are filled the day it starts.
  { scheduleId: TRAITS_SCHEDULE_ID, every: '24h', workflowType: 'refreshTraitsWorkflow', runAtCreation: true },
];

export interface ScheduleSettings {
  /** The segment recompute's interval (`KAIROS_SEGMENTS_REFRESH_EVERY`: `5m`, `1h`). */
  segmentsEvery: StringValue;
}

/**
 * Creates each schedule unless it exists, and gives an existing one the interval configured now
 * (a changed setting takes effect at the next start); replicas starting together are fine.
 */
export async function ensureSchedules(
  client: Client,
  taskQueue: string,
  settings: ScheduleSettings,
  logger: Pick<Logger, 'info'>,
): Promise<void> {
  for (const { scheduleId, every, workflowType, runAtCreation } of schedulesOf(settings)) {
    try {
      await client.schedule.create({
        scheduleId,
        spec: { intervals: [{ every }] },
        policies: { overlap: ScheduleOverlapPolicy.SKIP },
        action: { type: 'startWorkflow', workflowType, taskQueue, workflowId: scheduleId },
        state: { triggerImmediately: runAtCreation ?? false },
      });
      logger.info({ scheduleId }, 'schedule created');
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await keepInterval(client.schedule.getHandle(scheduleId), every, logger);
    }
  }
}

/** Describe answers intervals in milliseconds. */
async function keepInterval(handle: ScheduleHandle, every: StringValue, logger: Pick<Logger, 'info'>): Promise<void> {
  const { spec } = await handle.describe();
  const current = spec.intervals?.map((i) => Number(i.every));
  if (current?.length === 1 && current[0] === ms(every)) return;
  await handle.update((previous) => ({ ...previous, spec: { ...previous.spec, intervals: [{ every }] } }));
  logger.info({ scheduleId: handle.scheduleId, every }, 'schedule interval changed');
}
