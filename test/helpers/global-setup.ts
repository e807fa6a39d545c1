// Runs once before all test files: checks the Temporal binaries, starts this run's embedded
// PostgreSQL (or checks that DATABASE_URL's server answers), migrates a template database that
// each test file clones, builds the console if its sources changed, and bundles the workflow code once.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { Client } from 'pg';
import { ensurePostgres, removeAbandonedClusters, type Postgres } from '../../src/dev/postgres';
import { MISSING_BINARY_HINT, temporalCliPath, temporalTestServerPath } from '../../src/temporal/binaries';
import { WORKFLOWS_PATH } from '../../src/worker/create-worker';
import { freePort } from '../drills/support/ports';
import { withDatabase } from './database-url';

const root = resolve(__dirname, '../..');

export default async function globalSetup(): Promise<void> {
  if (!temporalCliPath(process.env) || !temporalTestServerPath(process.env))
    throw new Error(`No Temporal binaries. ${MISSING_BINARY_HINT}`);

  const postgres = await startPostgres();
  (globalThis as { kairosTestPostgres?: Postgres }).kairosTestPostgres = postgres; // stopped by global teardown
  const baseUrl = postgres.url;
  process.env.KAIROS_TEST_DATABASE_URL = baseUrl;
  // One template per run, so concurrent runs on one server do not drop each other's.
  const TEMPLATE_DB = `kairos_test_template_${process.pid}`;
  process.env.KAIROS_TEST_TEMPLATE_DB = TEMPLATE_DB;
  const admin = new Client({ connectionString: withDatabase(baseUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  execFileSync('bash', [join(root, 'scripts/prisma.sh'), 'migrate', 'deploy'], {
    env: { ...process.env, DATABASE_URL: withDatabase(baseUrl, TEMPLATE_DB) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });

  // The console the browser tests load, built when its sources changed since the last build.
  execFileSync('bash', [join(root, 'scripts/build-console.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });

  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  // Per run, like the database: a concurrent run in the same tree must not swap the bundle under
  // this run's workers and replays.
  const bundlePath = join(root, `.data/test/workflow-bundle-${process.pid}.js`);
  mkdirSync(join(root, '.data/test'), { recursive: true });
  writeFileSync(bundlePath, code);
  process.env.KAIROS_TEST_WORKFLOW_BUNDLE = bundlePath;
}

/**
 * One embedded PostgreSQL per run, in .data/test/postgres-<pid>, on a free port: concurrent runs
 * in one tree do not share it, and the folder of a run that was killed is removed by the next.
 * With DATABASE_URL set, that server instead (each run's databases carry its pid or random names).
 */
async function startPostgres(): Promise<Postgres> {
  const parent = join(root, '.data/test');
  if (!process.env.DATABASE_URL) await removeAbandonedClusters(parent);
  return ensurePostgres({
    url: process.env.DATABASE_URL,
    dataDir: join(parent, `postgres-${process.pid}`),
    port: await freePort(),
    // Durable, as production runs: with fsync and synchronous_commit off, the worker-kill drill
    // lost 1-3 in-doubt messages in each of 3 runs (none in 4 runs durable); not yet understood.
    durable: true,
    // Two jest workers, each file with its own pools, and the drills' worker processes.
    settings: { max_connections: '200' },
  });
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
