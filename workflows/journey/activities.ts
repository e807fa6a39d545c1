// Activity stubs and their timeouts/retries, in one place. Reads are local activities: cheap,
// recorded in history, and retried forever so a database outage delays a journey but never breaks it.
import { patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';

const unordered = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '30s' },
});

export type LocalActivities = typeof unordered;

/**
 * Local activities for one workflow, run one at a time. Concurrent local activities (the step
 * recorder flushing while the event loop plans an enrollment) can complete in one order and be
 * resolved in another on replay, handing one call another's result (a known SDK-level hazard);
 * in sequence there is only one order. Per workflow instance, never module state.
 */
export function serialLocalActivities(): LocalActivities {
  let tail: Promise<unknown> = Promise.resolve();
  return new Proxy(unordered, {
    get(target, name) {
      const call = target[name as keyof LocalActivities] as (...args: unknown[]) => Promise<unknown>;
      return (...args: unknown[]) => {
        // Histories recorded before this change ran them concurrently; they replay that way.
        if (!patched('serial-local-activities')) return call(...args);
        const run = tail.then(() => call(...args));
        tail = run.catch(() => undefined);
        return run;
      };
    },
  });
}

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
