// What `npm start` and `npm run cluster` start must not outlive them: a process that is killed
// (SIGKILL, a crashed test) runs none of its exit handlers, so a tiny shell outside it watches.
import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Sends `signal` to `pid` once this process is gone, unless `pid` is gone first. kill() the
 * returned guardian when `pid` is stopped the normal way.
 */
export function killWhenOrphaned(pid: number | undefined, signal = 'TERM'): ChildProcess | undefined {
  if (!pid || process.platform === 'win32') return undefined;
  const watch = `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${pid} 2>/dev/null; do sleep 1; done`;
  const guardian = spawn('sh', ['-c', `${watch}; kill -${signal} ${pid}`], { detached: true, stdio: 'ignore' });
  guardian.unref();
  return guardian;
}
