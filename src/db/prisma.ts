// Builds the Prisma client on the pg driver adapter (no native query engine needed).
import { Pool } from 'pg';
import { PrismaClient } from '../../generated/prisma/client';
import { PoolSafePrismaPg } from './pool-safe-adapter';

export type Db = PrismaClient;

const made = new WeakMap<Db, { url: string; pool: Pool }>();

export function createDb(options: { url: string; poolSize?: number }): Db {
  // The pool is ours (Prisma ends it on $disconnect), so the hottest path can use it directly.
  const pool = new Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
  const adapter = new PoolSafePrismaPg(pool, { disposeExternalPool: true });
  const db = new PrismaClient({ adapter });
  made.set(db, { url: options.url, pool });
  return db;
}

/** The connection string a client was made with, for what Prisma cannot do (LISTEN). */
export function connectionStringOf(db: Db): string | undefined {
  return made.get(db)?.url;
}

/**
 * The client's own pg pool, for a query Prisma's raw path makes too slow (it costs 2.5 times as
 * much as pg for a 100-row INSERT of array parameters: src/ingestion/unreferenced-batch.ts).
 */
export function poolOf(db: Db): Pool | undefined {
  return made.get(db)?.pool;
}
