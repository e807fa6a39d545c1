// Runs a real entry point (src/api-main.ts, src/worker-main.ts) in a child process, configured
// only by its environment as a deploy configures it. OpenTelemetry's globals and the patches its
// instrumentations make to http and express are per process, and jest's module registry bypasses
// the require hooks they patch through: a traced process must be a real one of its own.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const root = resolve(__dirname, '../../..');

export interface EntryProcess {
  /** SIGTERM, as a deploy stops it; resolves with its exit code once it has closed (and flushed). */
  stop(): Promise<number | null>;
}

/** Starts `entry` and resolves once it logs `readyMessage` (pino's `msg`); fails with its output if it exits first. */
export async function startEntryProcess(
  entry: string,
  env: NodeJS.ProcessEnv,
  readyMessage: string,
): Promise<EntryProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  // Never leave a child behind when the test's process ends.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  await new Promise<void>((ready, fail) => {
    createInterface({ input: child.stderr }).on('line', (line) => output.push(line));
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line);
      if (line.includes(`"msg":"${readyMessage}"`)) ready();
    });
    void exited.then((code) => fail(new Error(`${entry} exited (${code}) before it was ready:\n${output.join('\n')}`)));
  });
  return {
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      process.removeListener('exit', reap);
      return code;
    },
  };
}
