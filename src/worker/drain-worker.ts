// Stops a worker the way a deploy needs: no new tasks are polled, the activities and workflow
// tasks in flight finish (a send under way reaches SendGrid and is recorded), and only then does
// the caller go on to close connections and exit. Bounded, so a stuck activity cannot hold a
// deploy: after waitMs the caller exits anyway.
import type { Worker } from '@temporalio/worker';
import type { Logger } from 'pino';

export async function drainWorker(
  worker: Pick<Worker, 'shutdown' | 'getState'>,
  /** The promise worker.run() returned: it settles once the worker has drained. */
  running: Promise<unknown>,
  options: { waitMs: number; logger: Logger },
): Promise<'drained' | 'timed out'> {
  // The Temporal runtime hears SIGTERM too and may have asked first; asking twice throws.
  if (worker.getState() === 'RUNNING') worker.shutdown();
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    running.then(
      () => 'drained' as const,
      (err: unknown) => {
        options.logger.error({ err }, 'the worker failed while draining');
        return 'drained' as const;
      },
    ),
    new Promise<'timed out'>((resolve) => (timer = setTimeout(resolve, options.waitMs, 'timed out'))),
  ]);
  clearTimeout(timer);
  if (outcome === 'timed out')
    options.logger.warn(
      { waitMs: options.waitMs, state: worker.getState() },
      'the worker did not drain in time; stopping anyway',
    );
  return outcome;
}
