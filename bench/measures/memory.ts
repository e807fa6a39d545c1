// Worker memory: RSS per cached customer workflow at 1k, 5k and 10k cached, measured in a worker
// process of its own (test/drills/support/worker-child.ts) after a full GC, so the API, client
// and sink of this process do not count. Its cache holds about 10,400 workflows (heap limit
// 18,000 MiB, see worker-process.ts); the workflows are idle customers (started, no event yet).
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { customerWorkflowId } from '../../src/temporal/addressing';
import { journeyStateQuery } from '../../workflows/customer-signals';
import { CUSTOMER_ID_KEY } from '../../workflows/search-attributes';
import { TEST_TASK_QUEUE } from '../../test/helpers/worker';
import { startWorkerProcess } from '../../test/drills/support/worker-process';
import { runId } from '../lib/journeys';
import { loadNow, log, pool, round, sleep } from '../lib/stats';
import type { BenchWorld } from '../lib/world';

const MEMORY_LEVELS = (process.env.BENCH_MEMORY_LEVELS ?? '1000,5000,10000').split(',').map(Number);

/**
 * `workflow` defaults to the customer workflow; the bench also runs the hand-written minimal one
 * (bench/minimal/workflow.ts) at 1k, as the floor the SDK itself costs per cached workflow.
 */
export async function benchMemory(
  world: BenchWorld,
  workflow = { type: 'customerWorkflow', code: world.workflowCode, levels: MEMORY_LEVELS },
) {
  const bundlePath = join(tmpdir(), `kairos-bench-bundle-${runId}-${workflow.type}.js`);
  writeFileSync(bundlePath, workflow.code);
  const worker = await startWorkerProcess({
    temporalAddress: world.temporalAddress,
    databaseUrl: world.databaseUrl,
    sinkUrl: world.sink.url,
    bundlePath,
    heapMiB: 18_000,
  });
  try {
    await sleep(2000);
    const baseline = await worker.rss();
    const levels = [];
    let started = 0;
    for (const level of workflow.levels) {
      const ids = Array.from({ length: level - started }, (_, i) => `mem-${workflow.type}-${runId}-${started + i}`);
      started = level;
      await pool(
        ids.map(
          (id) => () =>
            world.client.workflow.start(workflow.type, {
              workflowId: customerWorkflowId(id),
              taskQueue: TEST_TASK_QUEUE,
              args: [{ customerId: id }],
              typedSearchAttributes: [{ key: CUSTOMER_ID_KEY, value: id }],
            }),
        ),
        16,
      );
      // A query answers once the workflow's first task has run: then it is in the worker's cache.
      await pool(
        ids.map((id) => async () => {
          for (let tries = 0; tries < 100; tries++)
            if (
              await world.client.workflow
                .getHandle(customerWorkflowId(id))
                .query(journeyStateQuery)
                .then(
                  () => true,
                  () => false,
                )
            )
              return;
          throw new Error(`${id} never answered`);
        }),
        16,
      );
      const rss = await worker.rss();
      levels.push({
        cached: level,
        rssMb: round(rss / 2 ** 20, 1),
        kbPerWorkflow: round((rss - baseline) / level / 1024, 1),
        load: loadNow(),
      });
      log(`memory: ${level} ${workflow.type} cached, ${levels.at(-1)!.kbPerWorkflow} kB each`);
    }
    return { workflowType: workflow.type, baselineRssMb: round(baseline / 2 ** 20, 1), levels, target: 200 };
  } finally {
    await worker.stop();
  }
}

export type MemoryResult = Awaited<ReturnType<typeof benchMemory>>;
