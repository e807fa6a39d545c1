// Paced load for the latency and sustained-throughput measures: one `bench_signup` for a new
// customer every 1/rate seconds through POST /v1/events (or another pipeline's `fire`, e.g. the
// floor's bare signalWithStart), each causing one email at the sink. Tracks when each email
// arrived, and the backlog (posted, not yet at the sink) over time. `saturated` keeps a fixed
// backlog instead of a rate, to find what a pipeline can carry.
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

/** Sends one event that should cause one email to `email`; resolves false when it is refused. */
export type Fire = (eventId: string, email: string) => Promise<boolean>;

/** Kairos: the signup through POST /v1/events, accepted with 202. */
export const postSignup =
  (world: BenchWorld): Fire =>
  (eventId, email) =>
    world.post('/v1/events', { eventId, type: SIGNUP, customer: { email } }).then((r) => r.status === 202);

/** Posts at `rate`/s for `seconds`, then waits up to `drainMs` for the emails still on their way. */
export async function paced(
  world: BenchWorld,
  prefix: string,
  rate: number,
  seconds: number,
  drainMs = 30_000,
  fire: Fire = postSignup(world),
): Promise<PacedRun> {
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
    inflight.push(fire(`${prefix}-${runId}-${i}`, email).then((accepted) => !accepted && refused++));
  }
  await Promise.all(inflight);
  const deadline = Date.now() + drainMs;
  for (arrivals(world, sentAt, received); received.size < n && Date.now() < deadline; arrivals(world, sentAt, received))
    await sleep(250);
  const latenciesMs = [...received].map(([to, at]) => at - sentAt.get(to)!);
  return { rate, seconds, posted: n, received: received.size, refused, backlog, latenciesMs };
}

/** The latency figures of a paced run. */
export function latencySummary(run: PacedRun) {
  return {
    ratePerSecond: run.rate,
    seconds: run.seconds,
    events: run.posted,
    received: run.received,
    refused: run.refused,
    ...percentiles(run.latenciesMs),
  };
}

/**
 * Keeps `backlog` events on their way (posted, email not at the sink yet) for `seconds`; the
 * emails that arrive after the first `warmSeconds` give the rate the pipeline carries when it is
 * never short of work. Does not wait for the last backlog to drain.
 */
export async function saturated(
  world: BenchWorld,
  prefix: string,
  backlog: number,
  seconds: number,
  fire: Fire,
  warmSeconds = 5,
) {
  const sentAt = new Map<string, number>();
  const received = new Map<string, number>();
  const inflight: Promise<unknown>[] = [];
  let refused = 0;
  const t0 = Date.now();
  while (Date.now() - t0 < seconds * 1000) {
    arrivals(world, sentAt, received);
    while (sentAt.size - received.size < backlog) {
      const i = sentAt.size;
      const email = `${prefix}-${runId}-${i}@bench.test`;
      sentAt.set(email, Date.now());
      inflight.push(fire(`${prefix}-${runId}-${i}`, email).then((accepted) => !accepted && refused++));
    }
    await sleep(50);
  }
  await Promise.all(inflight);
  const from = t0 + warmSeconds * 1000;
  const counted = [...received.values()].filter((at) => at >= from && at < t0 + seconds * 1000).length;
  return { backlog, seconds, posted: sentAt.size, refused, eventsPerSecond: counted / (seconds - warmSeconds) };
}
