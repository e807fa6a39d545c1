// End-to-end latency, POST /v1/events → the email at the sink, for a program that sends at once:
// at a trickle (the path's own latency), at 10 events/s, and at half the max sustained rate.
import { latencySummary, paced } from '../lib/paced';
import { withCpu } from '../lib/stats';
import type { BenchWorld } from '../lib/world';

const LATENCY_SECONDS = 30;

export function benchLatency(world: BenchWorld, ratePerSecond: number, prefix: string, seconds = LATENCY_SECONDS) {
  return withCpu(async () => latencySummary(await paced(world, prefix, ratePerSecond, seconds, 60_000)));
}

export type LatencyResult = Awaited<ReturnType<typeof benchLatency>>;
