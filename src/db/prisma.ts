// Builds the Prisma client on the pg driver adapter (no native query engine needed).
import { Pool, type PoolClient } from 'pg';
import { PrismaClient } from '../../generated/prisma/client';
import { PoolSafePrismaPg } from './pool-safe-adapter';

export type Db = PrismaClient;

const made = new WeakMap<Db, { url: string; pool: Pool }>();

export function createDb(options: { url: string; poolSize?: number }): Db {
  // The pool is ours (Prisma ends it on $disconnect), so the hottest path can use it directly.
  const pool = new Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
  pool.on('connect', keepErrorsHeard);
  const adapter = new PoolSafePrismaPg(pool, { disposeExternalPool: true });
  const db = new PrismaClient({ adapter });
  made.set(db, { url: options.url, pool });
  return db;
}

/**
 * Every connection keeps an 'error' listener of its own for life. pg-pool takes its listener off a
 * connection while it is handed out, and Prisma's adapter adds one only after awaiting the hand-out
 * (an interactive or implicit transaction). When PostgreSQL shuts down, a connection's last query
 * result and the shutdown notice (57P01) can arrive in one read: the result hands the connection to
 * a waiting transaction and the notice is emitted before that transaction listens, to nobody, so
 * Node threw it and the process died (the drill's worker, under load). Heard here, the error is not
 * lost: the connection is no longer queryable, so its next statement fails and pg-pool destroys
 * it when it comes back.
 */
function keepErrorsHeard(client: PoolClient): void {
  client.on('error', () => undefined);
}

/** The connection string a client was made with, for what Prisma cannot do (LISTEN). */
export function connectionStringOf(db: Db): string | undefined {
  return made.get(db)?.url;
}

/**
 * The client's own pg pool, for a query Prisma's raw path makes too slow (it costs 2.5 times as
 * much as pg for a 100-row INSERT of array parameters: src/ingestion/unreferenced-batch.ts).
 * Every client is made by createDb, so every client has one.
 */
export function poolOf(db: Db): Pool {
  const pool = made.get(db)?.pool;
  if (!pool) throw new Error('a database client not made by createDb has no pool of its own');
  return pool;
}

/**
 * A statement's rows, sent straight through the client's pg pool: for hot paths, where Prisma's
 * per-call query compilation costs more than the statement itself (bench/results/profile-engine-v2.md).
 */
export async function sqlRows<T>(db: Db, sql: string, params: unknown[]): Promise<T[]> {
  return (await poolOf(db).query(sql, params)).rows as T[];
}
