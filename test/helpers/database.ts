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
      await dropDatabase(base, name);
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

/**
 * Drops a database, ending its sessions. An autovacuum worker in it belongs to the bootstrap
 * superuser, which WITH (FORCE) may not terminate for a role that is not one ("permission denied
 * to terminate process", seen after a real temporal-server's load): it ends on its own within
 * moments, so that refusal is retried.
 */
export async function dropDatabase(base: string, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } catch (err) {
      const refused = (err as { code?: string }).code === '42501';
      if (!refused || attempt === 10) throw err;
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}
