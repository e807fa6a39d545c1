// Runs once before all test files: checks the Temporal binaries, makes sure PostgreSQL answers,
// migrates a template database that each test file clones, and bundles the workflow code once.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { Client } from 'pg';
import { MISSING_BINARY_HINT, temporalCliPath, temporalTestServerPath } from '../../src/temporal/binaries';
import { WORKFLOWS_PATH } from '../../src/worker/create-worker';
import { withDatabase } from './database-url';

const root = resolve(__dirname, '../..');

export default async function globalSetup(): Promise<void> {
  if (!temporalCliPath(process.env) || !temporalTestServerPath(process.env)) throw new Error(`No Temporal binaries. ${MISSING_BINARY_HINT}`);

  const baseUrl = execFileSync('bash', [join(root, 'scripts/ensure-postgres.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
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

  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  const bundlePath = join(root, '.data/test/workflow-bundle.js');
  mkdirSync(join(root, '.data/test'), { recursive: true });
  writeFileSync(bundlePath, code);
  process.env.KAIROS_TEST_WORKFLOW_BUNDLE = bundlePath;
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
