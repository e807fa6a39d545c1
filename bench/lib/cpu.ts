// CPU seconds of every process on the event path, and per-event costs net of what the same
// processes burn idle: this node process (API, client, sink, workers and activities;
// process.cpuUsage), the Temporal dev server (this process's `temporal` child) and the PostgreSQL
// cluster behind the scratch database (its postmaster, the postmaster's live children, and the
// children it has already reaped, which /proc counts in the postmaster's cutime and cstime), the
// last two from /proc/<pid>/stat.
import { readdirSync, readFileSync } from 'node:fs';
import { Client } from 'pg';
import { cpuNow, round, sleep } from './stats';

/** Clock ticks per second in /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS = 100;

interface ProcCpu {
  pid: number;
  ppid: number;
  name: string;
  /** utime + stime, seconds. */
  self: number;
  /** cutime + cstime: children it has waited for, seconds. */
  reaped: number;
}

function procCpu(pid: number): ProcCpu | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    // After the name: field 3 (state) first, so fields 4 (ppid) and 14-17 (utime, stime, cutime, cstime) are 1 and
    // 11-14.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      pid,
      ppid: Number(f[1]),
      name,
      self: (Number(f[11]) + Number(f[12])) / TICKS,
      reaped: (Number(f[13]) + Number(f[14])) / TICKS,
    };
  } catch {
    return undefined; // gone, or not ours to read
  }
}

function allProcs(): ProcCpu[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => procCpu(Number(d)))
    .filter((p): p is ProcCpu => p !== undefined);
}

interface CpuSample {
  at: number;
  node: number;
  temporal: number;
  /** null: the database's server is not a process this machine lets us read. */
  postgres: number | null;
  /**
   * Transactions committed or rolled back in the scratch database (pg_stat_database), less the
   * meter's own. Backends report them when idle, up to 10 s late (PGSTAT_IDLE_INTERVAL).
   */
  transactions: number;
}

export type Processes = 'node' | 'temporal' | 'postgres';

export interface CpuMeter {
  /** The postmaster's pid, when found. */
  postmaster: number | null;
  sample(): Promise<CpuSample>;
  /** Client connections to the cluster's other databases: their CPU would count as ours. */
  otherClients(): Promise<number>;
  close(): Promise<void>;
}

/** A meter for this process, the dev server and the cluster holding `databaseUrl`. */
export async function cpuMeter(databaseUrl: string): Promise<CpuMeter> {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  const backend = (await pg.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  const postmaster = procCpu(backend)?.ppid ?? null;
  let own = 0; // the meter's own transactions, not counted
  return {
    postmaster,
    async sample() {
      const n = await pg.query<{ n: string }>(
        'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()',
      );
      own++;
      const procs = allProcs();
      const main = postmaster === null ? undefined : procs.find((p) => p.pid === postmaster);
      const postgres = main
        ? main.self + main.reaped + procs.filter((p) => p.ppid === postmaster).reduce((s, p) => s + p.self, 0)
        : null;
      return { ...cpuNow(), postgres, transactions: Number(n.rows[0]!.n) - own };
    },
    async otherClients() {
      const r = await pg.query<{ n: string }>(
        'SELECT count(*) AS n FROM pg_stat_activity ' +
          "WHERE backend_type = 'client backend' AND datname IS DISTINCT FROM current_database()",
      );
      own++;
      return Number(r.rows[0]!.n);
    },
    close: () => pg.end(),
  };
}

/** What each process burns per second with nothing to do (pollers, timers, the server's own loops). */
export type IdleRates = Record<Processes, number>;

export async function idleRates(meter: CpuMeter, seconds: number): Promise<IdleRates> {
  const from = await meter.sample();
  await sleep(seconds * 1000);
  const to = await meter.sample();
  const s = (to.at - from.at) / 1000;
  return {
    node: (to.node - from.node) / s,
    temporal: (to.temporal - from.temporal) / s,
    postgres: ((to.postgres ?? 0) - (from.postgres ?? 0)) / s,
  };
}

/**
 * The lower of two idle periods, so background work a load set off (autovacuum, the server's timers) counts against
 * the load.
 */
export const lowerIdle = (a: IdleRates, b: IdleRates): IdleRates => ({
  node: Math.min(a.node, b.node),
  temporal: Math.min(a.temporal, b.temporal),
  postgres: Math.min(a.postgres, b.postgres),
});

export interface Window {
  from: CpuSample;
  to: CpuSample;
}

/** Seconds, and CPU seconds each process used, over a set of windows. */
function used(windows: Window[]) {
  const sum = (f: (s: CpuSample) => number) => windows.reduce((a, w) => a + f(w.to) - f(w.from), 0);
  const postgres = windows.every((w) => w.from.postgres !== null && w.to.postgres !== null)
    ? sum((s) => s.postgres ?? 0)
    : null;
  return { seconds: sum((s) => s.at) / 1000, node: sum((s) => s.node), temporal: sum((s) => s.temporal), postgres };
}

/** Cores each process kept busy over the windows, idle included. */
export function busyCores(windows: Window[]): Record<Processes, number | null> {
  const u = used(windows);
  return {
    node: round(u.node / u.seconds, 2),
    temporal: round(u.temporal / u.seconds, 2),
    postgres: u.postgres === null ? null : round(u.postgres / u.seconds, 2),
  };
}

export interface EventCost {
  events: number;
  seconds: number;
  /** CPU ms per event, net of idle. */
  nodeMs: number;
  temporalMs: number;
  postgresMs: number | null;
  totalMs: number;
  /** Cores busy over the windows, idle included. */
  cores: Record<Processes, number | null>;
}

/** CPU ms per event over the windows, net of what the same processes burn idle in the same time. */
export function costPerEvent(windows: Window[], events: number, idle: IdleRates): EventCost {
  const u = used(windows);
  const per = (cpu: number, idlePerSecond: number) =>
    round(((cpu - idlePerSecond * u.seconds) * 1000) / Math.max(1, events), 1);
  const nodeMs = per(u.node, idle.node);
  const temporalMs = per(u.temporal, idle.temporal);
  const postgresMs = u.postgres === null ? null : per(u.postgres, idle.postgres);
  return {
    events,
    seconds: round(u.seconds, 1),
    nodeMs,
    temporalMs,
    postgresMs,
    totalMs: round(nodeMs + temporalMs + (postgresMs ?? 0), 1),
    cores: busyCores(windows),
  };
}
