// Each test file gets its own database, cloned from the migrated template in milliseconds.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { createDb, type Db } from '../../src/db/prisma';
import { withDatabase } from './database-url';

export interface TestDatabase {
  db: Db;
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const base = process.env.KAIROS_TEST_DATABASE_URL;
  const template = process.env.KAIROS_TEST_TEMPLATE_DB;
  if (!base || !template)
    throw new Error('test database settings are unset: run the tests through jest (global setup)');
  const name = `kairos_test_${randomBytes(6).toString('hex')}`;
  await admin(base, `CREATE DATABASE ${name} TEMPLATE ${template}`);
  const url = withDatabase(base, name);
  const db = createDb({ url, poolSize: 5 });
  return {
    db,
    url,
    async drop() {
      await db.$disconnect();
      await admin(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** The database at `url` on a server of a test's own (it has no template), migrated in place. */
export function migratedDatabase(url: string): TestDatabase {
  execFileSync('bash', [join(resolve(__dirname, '../..'), 'scripts/prisma.sh'), 'migrate', 'deploy'], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const db = createDb({ url, poolSize: 5 });
  return { db, url, drop: () => db.$disconnect() };
}

export async function admin(base: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(base, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
