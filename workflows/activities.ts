// Activity stubs and their timeouts and retries, in one place.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

/**
 * Reads: cheap, recorded in history as one marker each, and retried while the database is away,
 * so an outage delays a journey but never breaks it.
 */
export const local = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '30s' },
});

/**
 * Step records: written in batches from the workflow task (a marker, not three events and
 * another task). After 12 hours of failing the batch is dropped and logged; journeys go on.
 */
export const records = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10s',
  scheduleToCloseTimeout: '12h',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '30s' },
});

export const remote = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  // 429s and 5xx from the provider are thrown and retried with backoff; 4xx come back as a
  // `failed` outcome, so the step's failure branch runs instead of a retry. Retries ride out a
  // provider or database outage of hours, not forever: after 12 hours the step fails for good
  // and its enrollment ends with an error step. Poison failures (src/worker/poison-failures.ts)
  // are not retried at all.
  scheduleToCloseTimeout: '12h',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m' },
});
