// Builds the Prisma client on the pg driver adapter (no native query engine needed).
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../generated/prisma/client';

export type Db = PrismaClient;

export function createDb(options: { url: string; poolSize?: number }): Db {
  const adapter = new PrismaPg({ connectionString: options.url, max: options.poolSize ?? 10 });
  return new PrismaClient({ adapter });
}
