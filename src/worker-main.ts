// The worker process (`npm run worker`): tracing when configured, then its settings, composed
// (src/apps/worker.ts), run until a deploy's SIGTERM drains it.
import { loadTracingConfig } from './config/tracing-config';
import { onShutdown } from './shutdown';
import { startTracing } from './tracing/start-tracing';

/** After the grace time, how long cancelled activities get to report before the process exits. */
const SHUTDOWN_REPORT_MS = 5_000;

export async function main(): Promise<void> {
  // Before the rest of the process loads: the HTTP instrumentation patches http as it is required
  // (the SendGrid client's calls), and a module loaded earlier would keep the unpatched one.
  const tracing = await startTracing(loadTracingConfig('kairos-worker'));
  const { Runtime } = await import('@temporalio/worker');
  const { composeWorker } = await import('./apps/worker');
  const { loadWorkerConfig } = await import('./config/worker-config');
  const { createLogger, temporalLogger } = await import('./logger');
  const { deploymentVersionOf } = await import('./worker/create-worker');
  const { drainWorker } = await import('./worker/drain-worker');
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
  const { worker, close, metricsUrl } = await composeWorker(config, { logger, tracing });
  const running = worker.run();
  let closing: Promise<void> | undefined;
  // Tracing last: the spans of the sends the drain let finish are flushed.
  const closeOnce = () => (closing ??= close().then(() => tracing?.shutdown()));
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
      tracing: tracing ? 'on' : 'off',
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
