// CPU seconds from /proc, for measures whose work is spread over processes: the whole machine's
// busy time, and the share of the processes a measure names (by pid, or by command name).
import { readdirSync, readFileSync } from 'node:fs';

const TICKS = 100; // USER_HZ on Linux

/** Busy CPU seconds of the whole machine since boot (every core, every process). */
function machineBusy(): number {
  const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
  const f = cpu!.trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3]! + f[4]!; // idle and iowait
  return (f.reduce((a, b) => a + b, 0) - idle) / TICKS;
}

/** CPU seconds of each live process: pid, command name, utime + stime. */
function processes(): { pid: number; comm: string; seconds: number }[] {
  const out = [];
  for (const entry of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(entry), comm, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export interface CpuSample {
  machine: number;
  byGroup: Record<string, number>;
}

/** CPU seconds now: the machine's, and each group's (a group is pids, or a command name prefix). */
export function sampleCpu(groups: Record<string, { pids?: number[]; comm?: string }>): CpuSample {
  const all = processes();
  const byGroup: Record<string, number> = {};
  for (const [name, g] of Object.entries(groups))
    byGroup[name] = all
      .filter((p) => g.pids?.includes(p.pid) || (g.comm !== undefined && p.comm.startsWith(g.comm)))
      .reduce((s, p) => s + p.seconds, 0);
  return { machine: machineBusy(), byGroup };
}

/** What was spent between two samples. Processes that ended in between are missed by their group. */
export function cpuBetween(a: CpuSample, b: CpuSample): CpuSample {
  const byGroup: Record<string, number> = {};
  for (const name of Object.keys(b.byGroup)) byGroup[name] = b.byGroup[name]! - (a.byGroup[name] ?? 0);
  return { machine: b.machine - a.machine, byGroup };
}
