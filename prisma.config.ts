// Prisma CLI config: the JavaScript schema engine and the pg driver adapter, so that generate and
// migrate need no native engine download (see README, "Prisma offline").
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

export default defineConfig({
  experimental: { adapter: true },
  schema: 'prisma/schema.prisma',
  engine: 'js',
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL ?? '' }),
});
