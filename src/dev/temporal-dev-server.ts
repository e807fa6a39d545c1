// Runs the Temporal CLI's dev server for `npm start`: file-backed (workflows survive a restart),
// SQLite in WAL mode, the Web UI, and Kairos' search attributes registered at start.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { MISSING_BINARY_HINT, temporalCliPath } from '../temporal/binaries';
import { SEARCH_ATTRIBUTE_FLAGS } from '../../workflows/search-attributes';

export interface DevServer {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

export async function startTemporalDevServer(options: {
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
}): Promise<DevServer> {
  const cli = temporalCliPath(process.env);
  if (!cli) throw new Error(`No Temporal CLI found. ${MISSING_BINARY_HINT}`);
  mkdirSync(options.dataDir, { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--namespace',
    options.namespace,
    '--db-filename',
    resolve(join(options.dataDir, 'temporal.db')),
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=NORMAL',
    '--log-level',
    'warn',
    ...SEARCH_ATTRIBUTE_FLAGS.flatMap((f) => ['--search-attribute', f]),
  ];
  const child = spawn(cli, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  // Never leave the server behind, whichever way this process ends.
  process.once('exit', () => child.kill('SIGTERM'));
  const address = `127.0.0.1:${options.port}`;
  await waitUntilServing(address, child, exited);
  return {
    address,
    uiUrl: `http://127.0.0.1:${options.uiPort}`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function waitUntilServing(address: string, child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  let failed = false;
  void exited.then(() => (failed = true));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (failed) throw new Error(`the Temporal dev server exited (code ${child.exitCode}); is port ${address} taken?`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  child.kill('SIGTERM');
  throw new Error('the Temporal dev server did not answer within 60 s');
}
