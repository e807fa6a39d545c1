// Sustained end-to-end throughput: the highest rate of events (each causing one email) that the
// system holds for 2 minutes without its backlog growing. Short probes find the rate (doubling
// while it holds, then one step between the last good and the first bad), then the best rate is
// held for the full 2 minutes; if it does not hold, the next lower probe's rate is tried.
import { paced, type PacedRun } from '../lib/paced';
import { log, loadNow, round, sleep, withCpu } from '../lib/stats';
import type { BenchWorld } from '../lib/world';

const PROBE_SECONDS = 30;
const HOLD_SECONDS = 120;

/**
 * A run holds when, after its first 10 s, the backlog stays within ~2 s of arrivals
 * (or 10 events), and nearly everything posted arrived within 30 s of the end.
 */
export function holds(run: PacedRun): boolean {
  const allowed = Math.max(10, 2 * run.rate);
  const settled = run.backlog.slice(10);
  const growth = settled.length > 1 ? settled.at(-1)! - Math.min(...settled) : 0;
  return growth <= allowed && run.received >= run.posted * 0.99 && run.refused === 0;
}

/** Waits for the sink to stop receiving (the previous probe's tail), so probes do not overlap. */
export async function quiet(world: BenchWorld): Promise<void> {
  for (
    let last = -1, now = world.sink.store.list().length;
    now !== last;
    last = now, now = world.sink.store.list().length
  )
    await sleep(3000);
}

export async function benchSustained(world: BenchWorld, startRate = 2) {
  const probes: { rate: number; held: boolean; backlogEnd: number; load: number }[] = [];
  const probe = async (rate: number, seconds: number) => {
    await quiet(world);
    const run = await paced(world, `sus${rate}x${seconds}`, rate, seconds);
    const held = holds(run);
    probes.push({ rate, held, backlogEnd: run.backlog.at(-1) ?? 0, load: loadNow() });
    log(
      `sustained probe ${rate}/s for ${seconds} s: ${held ? 'holds' : 'falls behind'} ` +
        `(backlog at end ${run.backlog.at(-1)}, ${run.received}/${run.posted} arrived)`,
    );
    return { run, held };
  };
  let good = 0;
  let bad = Infinity;
  for (let rate = startRate; bad === Infinity && rate <= 512; rate *= 2) {
    if ((await probe(rate, PROBE_SECONDS)).held) good = rate;
    else bad = rate;
  }
  if (good > 0 && bad / good > 1.3) {
    const mid = round((good + bad) / 2, 0);
    if ((await probe(mid, PROBE_SECONDS)).held) good = mid;
  }
  // Hold the best rate for 2 minutes; step down by a quarter until one holds.
  for (let rate = good || startRate / 2; rate >= 0.5; rate = round(rate * 0.75, 1)) {
    const held = await withCpu(() => probe(rate, HOLD_SECONDS));
    if (held.held)
      return {
        eventsPerSecond: rate,
        heldSeconds: HOLD_SECONDS,
        probes,
        cpuCores: held.cpuCores,
        load: held.load,
        target: 100,
      };
  }
  return {
    eventsPerSecond: 0,
    heldSeconds: HOLD_SECONDS,
    probes,
    cpuCores: { node: 0, temporalServer: 0 },
    load: loadNow(),
    target: 100,
  };
}

export type SustainedResult = Awaited<ReturnType<typeof benchSustained>>;
