// Builds the Prisma client on the pg driver adapter (no native query engine needed).
import { PrismaClient } from '../../generated/prisma/client';
import { PoolSafePrismaPg } from './pool-safe-adapter';

export type Db = PrismaClient;

const urls = new WeakMap<Db, string>();

export function createDb(options: { url: string; poolSize?: number }): Db {
  const adapter = new PoolSafePrismaPg({ connectionString: options.url, max: options.poolSize ?? 10 });
  const db = new PrismaClient({ adapter });
  urls.set(db, options.url);
  return db;
}

/** The connection string a client was made with, for what Prisma cannot do (LISTEN). */
export function connectionStringOf(db: Db): string | undefined {
  return urls.get(db);
}
