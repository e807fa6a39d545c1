// Graceful stop on SIGINT/SIGTERM: run the process's cleanup once, then exit. A second signal
// while it runs (npm forwards a terminal's Ctrl-C to a process the terminal already signalled)
// must not kill a worker in the middle of its drain: it is logged and otherwise ignored.
import type { Logger } from 'pino';

export function onShutdown(logger: Logger, cleanup: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'already shutting down; kill -9 stops at once');
      return;
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    cleanup()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
