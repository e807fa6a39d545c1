// Activity stubs and their timeouts/retries, in one place. Reads are local activities: cheap,
// recorded in history, and retried forever so a database outage delays a journey but never breaks it.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';

export const local = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '30s' },
});

export const remote = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  // 429s and 5xx from the provider are thrown and retried with backoff; 4xx come back as a
  // `failed` outcome, so the step's failure branch runs instead of a retry.
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m' },
});
