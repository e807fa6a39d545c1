// A real temporal-server (src/dev/temporal-server.ts, what production runs) for one test file, on
// the run's PostgreSQL with a store of its own, so test files running side by side do not share
// one; `drop` stops it and removes its databases and work folder.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { startTemporalServer, type TemporalServer } from '../../../src/dev/temporal-server';
import { dropDatabase } from '../../helpers/database';

export interface TestTemporalServer extends TemporalServer {
  drop(): Promise<void>;
}

export async function startTestTemporalServer(
  options: { dynamicConfig?: Record<string, unknown> } = {},
): Promise<TestTemporalServer> {
  const postgresUrl = process.env.KAIROS_TEST_DATABASE_URL;
  if (!postgresUrl) throw new Error('KAIROS_TEST_DATABASE_URL is unset: run the tests through jest (global setup)');
  const suffix = randomBytes(4).toString('hex');
  const workDir = resolve(__dirname, `../../../.data/test/temporal-server-${process.pid}-${suffix}`);
  const server = await startTemporalServer({
    postgresUrl,
    workDir,
    databases: { main: `temporal_${suffix}`, visibility: `temporal_visibility_${suffix}` },
    // The workers and the client of test/drills/support dial the `default` namespace.
    namespace: 'default',
    logLevel: 'warn',
    dynamicConfig: options.dynamicConfig,
  });
  return {
    ...server,
    async drop() {
      await server.stop();
      for (const db of Object.values(server.databases)) await dropDatabase(postgresUrl, db);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
