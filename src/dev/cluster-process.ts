// One Kairos process of `npm run cluster`: a real entry point (src/api-main.ts, src/worker-main.ts)
// run by tsx in a child process and configured only by its environment, as a deploy configures
// it. Its log lines are printed prefixed with its name. It stops on SIGTERM, as a deploy stops it.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { killWhenOrphaned } from './orphan-guard';

const root = resolve(__dirname, '../..');

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface KairosProcess {
  name: string;
  pid: number;
  /** Settles when the process ends, asked to or not. */
  exited: Promise<ProcessExit>;
  /** SIGTERM, and SIGKILL if it has not ended after `killAfterMs`. */
  stop(killAfterMs: number): Promise<ProcessExit>;
}

/** Starts `entry` (relative to the repository) as the process `name`, with exactly `env`. */
export function startKairosProcess(name: string, entry: string, env: NodeJS.ProcessEnv): KairosProcess {
  // In a process group of its own, out of the terminal's reach: a Ctrl-C reaches the cluster, which
  // sends each process one SIGTERM in order. A second signal (the terminal's, then the cluster's)
  // would find the entry point's once-only handler gone and kill a worker in the middle of its drain.
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  createInterface({ input: child.stdout }).on('line', (line) => console.log(prefixed(name, line)));
  createInterface({ input: child.stderr }).on('line', (line) => console.error(prefixed(name, line)));
  // A cluster killed with SIGKILL runs no handler of its own: its processes must not live on.
  const guardian = killWhenOrphaned(child.pid);
  const exited = new Promise<ProcessExit>((r) =>
    child.once('exit', (code, signal) => {
      guardian?.kill();
      r({ code, signal });
    }),
  );
  return {
    name,
    pid: child.pid!,
    exited,
    async stop(killAfterMs) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const late = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      const exit = await exited;
      clearTimeout(late);
      return exit;
    },
  };
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** `name     | line`, a pino JSON line made readable: `12:00:01 INFO message {fields}`, every line prefixed. */
export function prefixed(name: string, line: string): string {
  return readable(line)
    .split('\n')
    .map((l) => `${name.padEnd(8)} | ${l}`)
    .join('\n');
}

function readable(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof entry !== 'object' || entry === null || typeof entry.msg !== 'string') return line;
  const { level, time, msg, pid: _pid, hostname: _host, name: _name, err, ...fields } = entry;
  const at = typeof time === 'number' ? new Date(time).toISOString().slice(11, 19) : '';
  const error = err && typeof err === 'object' && 'message' in err ? { err: String(err.message) } : {};
  const rest = { ...fields, ...error };
  const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  return `${at} ${LEVELS[Number(level)] ?? String(level)} ${msg}${extra}`;
}
