// The worker process (`npm run worker`): its settings, composed (src/apps/worker.ts), run until a
// deploy's SIGTERM drains it.
import { Runtime } from '@temporalio/worker';
import { composeWorker } from './apps/worker';
import { loadWorkerConfig } from './config/worker-config';
import { createLogger, temporalLogger } from './logger';
import { onShutdown } from './shutdown';
import { deploymentVersionOf } from './worker/create-worker';
import { drainWorker } from './worker/drain-worker';

/** After the grace time, how long cancelled activities get to report before the process exits. */
const SHUTDOWN_REPORT_MS = 5_000;

export async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const logger = createLogger(config.logLevel, 'kairos-worker');
  // Once per process, before any connection: the SDK's own logs go to the same stream, and its
  // metrics to a loopback exporter the worker's /metrics appends (src/metrics/metrics-server.ts).
  const { sdkAddress } = config.metrics;
  Runtime.install({
    logger: temporalLogger(logger),
    // Prometheus's conventions: seconds, units and `_total` in the names.
    ...(sdkAddress && {
      telemetryOptions: {
        metrics: {
          prometheus: {
            bindAddress: sdkAddress,
            useSecondsForDurations: true,
            unitSuffix: true,
            countersTotalSuffix: true,
          },
        },
      },
    }),
  });
  const { worker, close, metricsUrl } = await composeWorker(config, { logger });
  const running = worker.run();
  let closing: Promise<void> | undefined;
  const closeOnce = () => (closing ??= close());
  // A deploy's SIGTERM: stop polling, let sends in flight finish (Temporal cancels those still
  // running after the grace time; a moment more lets them report), then close and exit.
  onShutdown(logger, async () => {
    await drainWorker(worker, running, { waitMs: config.shutdownGraceMs + SHUTDOWN_REPORT_MS, logger });
    await closeOnce();
  });
  logger.info(
    {
      taskQueue: config.temporal.taskQueue,
      namespace: config.temporal.namespace,
      deployment: deploymentVersionOf(config.deployment) ?? 'unversioned',
      metrics: metricsUrl ?? 'off',
    },
    'worker running',
  );
  await running;
  await closeOnce();
}

if (require.main === module)
  void main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
