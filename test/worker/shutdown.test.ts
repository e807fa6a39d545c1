// A second SIGTERM or SIGINT during the shutdown does not cut the cleanup short (a worker's drain):
// the process finishes it and exits 0.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

async function signalledTwice(first: NodeJS.Signals, second: NodeJS.Signals) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'support/shutdown-child.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  while (!out.includes('ready')) await new Promise((r) => setTimeout(r, 50));
  child.kill(first);
  await new Promise((r) => setTimeout(r, 100));
  child.kill(second);
  return { ...(await exited), out };
}

test.each([
  ['SIGTERM', 'SIGTERM'],
  ['SIGINT', 'SIGINT'],
  ['SIGINT', 'SIGTERM'],
] as const)(
  '%s then %s: the cleanup runs to its end and the process exits 0',
  async (first, second) => {
    const { code, signal, out } = await signalledTwice(first, second);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(out).toContain('cleaned');
  },
  30_000,
);
