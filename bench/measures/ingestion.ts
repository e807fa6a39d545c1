// Ingestion throughput: durable events/s through POST /v1/events/batch (stored, then signalled)
// against a bare Temporal client loop of signalWithStart sending the same events to the same
// server in the same run. The bare loop keeps as many signals in flight as the API can have (8
// batches × 8 customer lanes each), so it shows the client and server's own limit.
import { performance } from 'node:perf_hooks';
import { bareSignalWithStart, eventsFor, runId, settle } from '../lib/journeys';
import { cpuNow, cpuSince, loadNow, pool, round } from '../lib/stats';
import { TASK_QUEUE, type BenchWorld } from '../lib/world';

const INGEST = { customers: 1_000, eventsPerCustomer: 1, batchSize: 100, concurrency: 8, bareConcurrency: 64 };

export async function benchIngestion(world: BenchWorld) {
  const total = INGEST.customers * INGEST.eventsPerCustomer;
  const bare = (e: { customerId: string; eventId: string }) => () =>
    bareSignalWithStart(world.client, TASK_QUEUE, e.customerId, e.eventId);
  const apiBatch = async (items: ReturnType<typeof eventsFor>) => {
    const res = await world.post('/v1/events/batch', {
      events: items.map((e) => ({
        eventId: e.eventId,
        type: e.type,
        customer: { id: e.customerId },
        properties: { path: '/bench' },
      })),
    });
    if (res.status >= 300) throw new Error(`batch answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
    return (res.body.results as { delivered?: boolean }[]).filter((r) => r.delivered === true).length;
  };
  // Warm-up: connections, prepared statements, JIT, the workflow bundle in the worker.
  await pool(eventsFor(`warm-bare-${runId}`, 50, 1).map(bare), INGEST.concurrency);
  await apiBatch(eventsFor(`warm-api-${runId}`, 50, 1));

  // Bare client: one signalWithStart per event, `bareConcurrency` in flight.
  let cpu = cpuNow();
  let t = performance.now();
  await pool(eventsFor(`bare-${runId}`, INGEST.customers, INGEST.eventsPerCustomer).map(bare), INGEST.bareConcurrency);
  const bareSeconds = (performance.now() - t) / 1000;
  const bareCpu = cpuSince(cpu, bareSeconds);
  const bareLoad = loadNow();
  const bareSettleMs = await settle(
    world.client,
    Array.from({ length: INGEST.customers }, (_, c) => `bare-${runId}-${c}`),
    INGEST.eventsPerCustomer,
  );

  // Kairos API: batches of 100, `concurrency` batches in flight; only delivered items count.
  const api = eventsFor(`api-${runId}`, INGEST.customers, INGEST.eventsPerCustomer);
  const batches = [];
  for (let i = 0; i < api.length; i += INGEST.batchSize) batches.push(api.slice(i, i + INGEST.batchSize));
  cpu = cpuNow();
  t = performance.now();
  const delivered = (
    await pool(
      batches.map((b) => () => apiBatch(b)),
      INGEST.concurrency,
    )
  ).reduce((a, b) => a + b, 0);
  const apiSeconds = (performance.now() - t) / 1000;
  const apiCpu = cpuSince(cpu, apiSeconds);
  const apiLoad = loadNow();
  const apiSettleMs = await settle(
    world.client,
    Array.from({ length: INGEST.customers }, (_, c) => `api-${runId}-${c}`),
    INGEST.eventsPerCustomer,
  );

  const bareRate = total / bareSeconds;
  const apiRate = delivered / apiSeconds;
  return {
    ...INGEST,
    events: total,
    api: {
      delivered,
      seconds: round(apiSeconds, 2),
      eventsPerSecond: Math.round(apiRate),
      workerCatchUpMs: apiSettleMs,
      cpuCores: apiCpu,
      load: apiLoad,
    },
    bareSignalWithStart: {
      seconds: round(bareSeconds, 2),
      eventsPerSecond: Math.round(bareRate),
      workerCatchUpMs: bareSettleMs,
      cpuCores: bareCpu,
      load: bareLoad,
    },
    ratio: round(apiRate / bareRate, 2),
    target: 0.8,
  };
}

export type IngestionResult = Awaited<ReturnType<typeof benchIngestion>>;
