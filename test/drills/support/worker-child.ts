// A Kairos worker in a process of its own, so a drill can `kill -9` it and the bench can read its
// RSS apart from the API's. Settings come from the environment (see worker-process.ts); it
// answers `{ rss: true }` over IPC with its RSS after a full GC (run node with --expose-gc).
import { DefaultLogger, NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { createDb } from '../../../src/db/prisma';
import { createSendGridSender } from '../../../src/messaging/sendgrid-sender';
import { testWorkerConfig } from '../../helpers/config';
import { composeTestWorker } from '../../helpers/worker';

async function main(): Promise<void> {
  const env = process.env;
  const need = (k: string) =>
    env[k] ??
    (() => {
      throw new Error(`${k} is unset`);
    })();
  // Drills fail activities by the hundred (database gone, provider refusing) and a loaded 2-core
  // machine makes core warn of slow workflow tasks: keep the output to errors.
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
  });
  const connection = await NativeConnection.connect({ address: need('DRILL_TEMPORAL_ADDRESS') });
  const db = createDb({ url: need('DRILL_DATABASE_URL'), poolSize: 5 });
  // The tests' worker (bundle from KAIROS_TEST_WORKFLOW_BUNDLE, task queue kairos-test). Its
  // cache size is the SDK default, which follows the heap limit (--max-old-space-size).
  const { worker } = await composeTestWorker(
    { nativeConnection: connection, namespace: 'default' },
    testWorkerConfig({ KAIROS_WORKER_SHUTDOWN_GRACE_MS: need('DRILL_SHUTDOWN_GRACE_MS') }),
    { db, email: createSendGridSender({ apiKey: 'SG.drill', baseUrl: need('DRILL_SINK_URL') }) },
  );
  process.on('message', (msg: { rss?: boolean }) => {
    if (!msg.rss) return;
    // Two collections a moment apart, so what is left is what the cache holds.
    global.gc?.();
    setTimeout(() => {
      global.gc?.();
      process.send?.({ rss: process.memoryUsage().rss, gc: typeof global.gc === 'function' });
    }, 300);
  });
  process.once('SIGTERM', () => worker.shutdown());
  const running = worker.run();
  process.send?.({ ready: true });
  await running;
  await connection.close();
  await db.$disconnect();
  process.disconnect?.();
}

main().catch((err: unknown) => {
  console.error('drill worker failed:', err);
  process.exit(1);
});
