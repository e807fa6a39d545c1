// Stops this run's embedded PostgreSQL and deletes its folder; on DATABASE_URL's server, drops
// this run's template database. Deletes this run's workflow bundle.
import { rmSync } from 'node:fs';
import type { EmbeddedPostgres, Postgres } from '../../src/dev/postgres';
import { dropDatabase } from './database';

export default async function globalTeardown(): Promise<void> {
  const base = process.env.KAIROS_TEST_DATABASE_URL;
  const template = process.env.KAIROS_TEST_TEMPLATE_DB;
  if (process.env.KAIROS_TEST_WORKFLOW_BUNDLE) rmSync(process.env.KAIROS_TEST_WORKFLOW_BUNDLE, { force: true });
  const postgres = (globalThis as { kairosTestPostgres?: Postgres | EmbeddedPostgres }).kairosTestPostgres;
  if (postgres && 'destroy' in postgres) await postgres.destroy();
  else if (base && template) await dropDatabase(base, template);
}
