// Replaying histories for the bench: CPU and wall time of Worker.runReplayHistories over a set,
// net of the replay worker's start-up (the bundle load), which every call pays once.
import { performance } from 'node:perf_hooks';
import type { DataConverter } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import type { History } from '../../src/temporal/workflow-histories';

export interface Replayable {
  workflowId: string;
  history: History;
}

export interface ReplayCost {
  histories: number;
  failures: number;
  /** Wall and CPU seconds for the whole set, start-up included. */
  seconds: number;
  cpuSeconds: number;
  /** Per history, net of start-up: (whole set − first history alone) / (n − 1). */
  msPerHistory: number;
  cpuMsPerHistory: number;
}

async function replayOnce(
  workflowCode: string,
  histories: Replayable[],
  dataConverter: DataConverter,
): Promise<{ seconds: number; cpuSeconds: number; failures: number }> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  let failures = 0;
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: { code: workflowCode }, dataConverter },
    histories,
  ))
    if (result.error) failures++;
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - t) / 1000, cpuSeconds: (used.user + used.system) / 1e6, failures };
}

/** `dataConverter`: the bench world's payload codec, whose decryption is part of a replay's cost. */
export async function replayCost(
  workflowCode: string,
  histories: Replayable[],
  dataConverter: DataConverter,
): Promise<ReplayCost> {
  await replayOnce(workflowCode, histories.slice(0, 1), dataConverter); // warm-up: JIT, module caches
  const one = await replayOnce(workflowCode, histories.slice(0, 1), dataConverter);
  const all = await replayOnce(workflowCode, histories, dataConverter);
  const n = Math.max(1, histories.length - 1);
  return {
    histories: histories.length,
    failures: all.failures,
    seconds: all.seconds,
    cpuSeconds: all.cpuSeconds,
    msPerHistory: Math.max(0, ((all.seconds - one.seconds) * 1000) / n),
    cpuMsPerHistory: Math.max(0, ((all.cpuSeconds - one.cpuSeconds) * 1000) / n),
  };
}
