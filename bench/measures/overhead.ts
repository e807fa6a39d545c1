// Interpreter overhead: workflow-task CPU of the customer workflow (the program interpreter)
// against bench/minimal/workflow.ts, hand-written for the one program, for the same events and
// the same activity calls. Both run live on this server; their histories are then replayed,
// and replay CPU per history (net of the replay worker's start-up) is the workflow-task CPU.
import { bundleWorkflowCode } from '@temporalio/worker';
import { customerWorkflowId } from '../../src/temporal/addressing';
import { fetchRunChain } from '../../src/temporal/workflow-histories';
import { customerEventSignal } from '../../workflows/customer-signals';
import { CUSTOMER_ID_KEY } from '../../workflows/search-attributes';
import { runId, settle, SIGNUP } from '../lib/journeys';
import { replayCost, type Replayable } from '../lib/replay';
import { loadNow, pool, round, sleep } from '../lib/stats';
import { TASK_QUEUE, type BenchWorld } from '../lib/world';

const OVERHEAD = { customers: 20, pageViewsBefore: 4, pageViewsAfter: 5 };
const MINIMAL_QUEUE = 'kairos-bench-minimal';
const noop = () => undefined;
const quiet = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

/** Each customer: page views, the signup (one email), more page views, one signal at a time. */
async function drive(
  world: BenchWorld,
  workflowType: string,
  taskQueue: string,
  prefix: string,
): Promise<Replayable[]> {
  const ids = Array.from({ length: OVERHEAD.customers }, (_, c) => `${prefix}-${runId}-${c}`);
  const types = [
    ...Array(OVERHEAD.pageViewsBefore).fill('page_view'),
    SIGNUP,
    ...Array(OVERHEAD.pageViewsAfter).fill('page_view'),
  ] as string[];
  await pool(
    ids.map((id) => async () => {
      await world.post('/v1/customers/identify', { customer: { id, email: `${id}@bench.test` } });
      for (const [i, type] of types.entries()) {
        await world.client.workflow.signalWithStart(workflowType, {
          workflowId: customerWorkflowId(id),
          taskQueue,
          args: [{ customerId: id }],
          signal: customerEventSignal,
          signalArgs: [
            { id: `${id}-${i}`, type, occurredAt: new Date().toISOString(), properties: { path: `/p/${i}` } },
          ],
          typedSearchAttributes: [{ key: CUSTOMER_ID_KEY, value: id }],
        });
      }
    }),
    8,
  );
  await settle(world.client, ids, types.length);
  await sleep(3000); // the last step records are written after the last event
  const histories: Replayable[] = [];
  for (const id of ids)
    for (const r of (await fetchRunChain(world.client, customerWorkflowId(id))).runs)
      histories.push({ workflowId: r.workflowId, history: r.history });
  return histories;
}

/** The hand-written workflow's bundle (the memory measure uses it too). */
export async function minimalBundle(): Promise<string> {
  return (await bundleWorkflowCode({ workflowsPath: require.resolve('../minimal/workflow'), logger: quiet })).code;
}

export async function benchOverhead(world: BenchWorld) {
  const minimalCode = await minimalBundle();
  await world.startWorker(MINIMAL_QUEUE, minimalCode);
  const kairosHistories = await drive(world, 'customerWorkflow', TASK_QUEUE, 'ovk');
  const minimalHistories = await drive(world, 'minimalCustomerWorkflow', MINIMAL_QUEUE, 'ovm');
  const kairos = await replayCost(world.workflowCode, kairosHistories, world.dataConverter);
  const minimal = await replayCost(minimalCode, minimalHistories, world.dataConverter);
  const events = (hs: Replayable[]) =>
    round(hs.reduce((n, h) => n + (h.history.events?.length ?? 0), 0) / hs.length, 0);
  return {
    customers: OVERHEAD.customers,
    eventsPerCustomer: OVERHEAD.pageViewsBefore + 1 + OVERHEAD.pageViewsAfter,
    interpreter: {
      historyEvents: events(kairosHistories),
      cpuMsPerHistory: round(kairos.cpuMsPerHistory, 1),
      failures: kairos.failures,
    },
    minimal: {
      historyEvents: events(minimalHistories),
      cpuMsPerHistory: round(minimal.cpuMsPerHistory, 1),
      failures: minimal.failures,
    },
    ratio: round(kairos.cpuMsPerHistory / Math.max(0.1, minimal.cpuMsPerHistory), 2),
    load: loadNow(),
    target: 1.3,
  };
}

export type OverheadResult = Awaited<ReturnType<typeof benchOverhead>>;
