// Paced load for the latency and sustained-throughput measures: one `bench_signup` for a new
// customer every 1/rate seconds through POST /v1/events, each causing one email at the sink.
// Tracks when each email arrived, and the backlog (posted, not yet at the sink) over time.
import type { BenchWorld } from './world';
import { runId, SIGNUP } from './journeys';
import { percentiles, sleep } from './stats';

export interface PacedRun {
  rate: number;
  seconds: number;
  posted: number;
  received: number;
  /** Non-202 answers from the API. */
  refused: number;
  /** Backlog (posted − received) sampled every second while posting. */
  backlog: number[];
  latenciesMs: number[];
}

/** Emails the sink has received for this run's addresses, by address → receive time. */
function arrivals(world: BenchWorld, sentAt: Map<string, number>, into: Map<string, number>): void {
  for (const m of world.sink.store.list()) {
    const to = m.to[0]!;
    if (sentAt.has(to) && !into.has(to)) into.set(to, Date.parse(m.receivedAt));
  }
}

/** Posts at `rate`/s for `seconds`, then waits up to `drainMs` for the emails still on their way. */
export async function paced(world: BenchWorld, prefix: string, rate: number, seconds: number, drainMs = 30_000): Promise<PacedRun> {
  const n = Math.round(rate * seconds);
  const sentAt = new Map<string, number>();
  const received = new Map<string, number>();
  const backlog: number[] = [];
  let refused = 0;
  const inflight: Promise<unknown>[] = [];
  const t0 = Date.now();
  let nextSample = t0 + 1000;
  for (let i = 0; i < n; i++) {
    const due = t0 + (i * 1000) / rate;
    if (due - Date.now() > 0) await sleep(due - Date.now());
    if (Date.now() >= nextSample) {
      arrivals(world, sentAt, received);
      backlog.push(sentAt.size - received.size);
      nextSample += 1000;
    }
    const email = `${prefix}-${runId}-${i}@bench.test`;
    sentAt.set(email, Date.now());
    inflight.push(world.post('/v1/events', { eventId: `${prefix}-${runId}-${i}`, type: SIGNUP, customer: { email } }).then((r) => r.status !== 202 && refused++));
  }
  await Promise.all(inflight);
  const deadline = Date.now() + drainMs;
  for (arrivals(world, sentAt, received); received.size < n && Date.now() < deadline; arrivals(world, sentAt, received)) await sleep(250);
  const latenciesMs = [...received].map(([to, at]) => at - sentAt.get(to)!);
  return { rate, seconds, posted: n, received: received.size, refused, backlog, latenciesMs };
}

/** The latency figures of a paced run. */
export function latencySummary(run: PacedRun) {
  return { ratePerSecond: run.rate, seconds: run.seconds, events: run.posted, received: run.received, refused: run.refused, ...percentiles(run.latenciesMs) };
}
