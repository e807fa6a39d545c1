// Small measuring tools shared by the bench's measures: a bounded pool, percentiles, CPU seconds
// of this process and of the Temporal dev server, and the machine's load.
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

export function log(msg: string): void {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)} load ${loadNow()}] ${msg}`);
}

/** The 1-minute load average, recorded with every figure: this 2-core machine is shared. */
export const loadNow = () => Number(loadavg()[0]!.toFixed(1));

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `jobs` with at most `concurrency` in flight. */
export async function pool<T>(jobs: (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}

export function percentiles(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN);
  return { p50: at(50), p95: at(95), p99: at(99), max: s.at(-1) ?? NaN };
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** CPU seconds so far: this process (API, client, sink, worker) and the Temporal dev server child. */
export function cpuNow() {
  const u = process.cpuUsage();
  let temporal = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[1] is ppid; utime and stime are fields 14 and 15 of stat (11 and 12 here), in ticks.
      if (Number(fields[1]) === process.pid && stat.includes('(temporal)'))
        temporal += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // gone
    }
  }
  return { node: (u.user + u.system) / 1e6, temporal, at: performance.now() };
}

export type CpuCores = { node: number; temporalServer: number };

/** Average cores busy since `from`: node (API + worker + client + sink) and the Temporal server. */
export function cpuSince(from: ReturnType<typeof cpuNow>, seconds?: number): CpuCores {
  const now = cpuNow();
  const s = seconds ?? (now.at - from.at) / 1000;
  return { node: round((now.node - from.node) / s, 2), temporalServer: round((now.temporal - from.temporal) / s, 2) };
}

export async function withCpu<T extends object>(
  f: () => Promise<T>,
): Promise<T & { cpuCores: CpuCores; load: number }> {
  const from = cpuNow();
  const r = await f();
  return { ...r, cpuCores: cpuSince(from), load: loadNow() };
}
