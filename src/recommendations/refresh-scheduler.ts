// Runs the recommendation rebuild (refreshCoPurchases) in the background, one at a time: a request
// while one runs queues a single further run, so a burst of imports costs at most one rebuild
// after the running one, and nobody waits for a rebuild to get an answer.
import type { Logger } from 'pino';

export interface RefreshScheduler {
  /** Asks for a rebuild; returns at once. Data written before the call is in the next rebuild. */
  request(): void;
  /** Resolves when no rebuild is running or queued (tests, shutdown). */
  idle(): Promise<void>;
}

export function createRefreshScheduler(refresh: () => Promise<unknown>, logger: Logger): RefreshScheduler {
  let running: Promise<void> | undefined;
  let queued = false;

  const loop = async (): Promise<void> => {
    do {
      queued = false;
      const started = Date.now();
      try {
        await refresh();
        logger.info({ ms: Date.now() - started }, 'recommendation lists rebuilt');
      } catch (err) {
        logger.warn({ err }, 'recommendation refresh failed; the next import or the hourly refresh retries');
      }
    } while (queued);
    running = undefined;
  };

  return {
    request() {
      // A rebuild under way may already have read past this import's rows: queue one more.
      if (running) queued = true;
      else running = loop();
    },
    async idle() {
      while (running) await running;
    },
  };
}
