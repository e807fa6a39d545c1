// Replay speed: histories/s for customers who each had 200 events, through
// Worker.runReplayHistories, with and without the replay worker's start-up. The histories are
// saved so `npx tsx bench/replay-profile.ts <dir>` can profile the same replay.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { customerWorkflowId } from '../../src/temporal/addressing';
import { fetchRunChain } from '../../src/temporal/workflow-histories';
import { runId, settle } from '../lib/journeys';
import { replayCost, type Replayable } from '../lib/replay';
import { round, withCpu } from '../lib/stats';
import type { BenchWorld } from '../lib/world';

const REPLAY = { customers: 5, eventsPerCustomer: 200 };

/** Customers with 200 page views each (two batches of 100, customers in parallel), and their histories. */
async function longHistories(
  world: BenchWorld,
  customers = REPLAY.customers,
  events = REPLAY.eventsPerCustomer,
): Promise<Replayable[]> {
  const ids = Array.from({ length: customers }, (_, c) => `replay-${runId}-${c}`);
  await Promise.all(
    ids.map(async (id) => {
      for (let b = 0; b < events; b += 100) {
        const batch = Array.from({ length: Math.min(100, events - b) }, (_, k) => ({
          eventId: `${id}-${b + k}`,
          type: 'page_view',
          customer: { id },
          properties: { path: `/p/${(b + k) % 17}` },
        }));
        const res = await world.post('/v1/events/batch', { events: batch });
        if (res.status >= 300) throw new Error(`replay batch answered ${res.status}`);
      }
    }),
  );
  await settle(world.client, ids, events);
  const histories: Replayable[] = [];
  for (const id of ids)
    for (const r of (await fetchRunChain(world.client, customerWorkflowId(id))).runs)
      histories.push({ workflowId: r.workflowId, history: r.history });
  return histories;
}

function saveHistories(dir: string, histories: Replayable[]): void {
  mkdirSync(dir, { recursive: true });
  histories.forEach((h, i) => writeFileSync(join(dir, `history-${i}.json`), historyToJSON(h.history)));
}

export async function benchReplay(world: BenchWorld, saveTo: string) {
  const histories = await longHistories(world);
  saveHistories(saveTo, histories);
  const r = await withCpu(() => replayCost(world.workflowCode, histories, world.dataConverter));
  return {
    histories: r.histories,
    historyEvents: histories.map((h) => h.history.events?.length ?? 0),
    failures: r.failures,
    seconds: round(r.seconds, 2),
    historiesPerSecond: round(r.histories / r.seconds, 1),
    /** Excluding the replay worker's start-up. */
    steadyHistoriesPerSecond: round(1000 / Math.max(1, r.msPerHistory), 1),
    cpuMsPerHistory: Math.round(r.cpuMsPerHistory),
    savedTo: saveTo,
    cpuCores: r.cpuCores,
    load: r.load,
    target: 10,
  };
}

export type ReplayResult = Awaited<ReturnType<typeof benchReplay>>;
