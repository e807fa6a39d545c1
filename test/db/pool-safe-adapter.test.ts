// A connection that dies mid-transaction goes back to the pool: after more such deaths than the
// pool has connections, queries still run. On a real PostgreSQL.
import { createDb } from '../../src/db/prisma';
import { admin, createTestDatabase, type TestDatabase } from '../helpers/database';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

test('transactions whose connection is killed before COMMIT do not use up the pool', async () => {
  const db = createDb({ url: database.url, poolSize: 2 });
  try {
    for (let i = 0; i < 4; i++) {
      const killed = db.$transaction(async (tx) => {
        const [row] = await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
        await admin(database.url, `SELECT pg_terminate_backend(${row!.pid})`);
      });
      await expect(killed).rejects.toThrow();
    }
    // With the pool's 2 connections lost, this would wait for a connection forever.
    const answer = Promise.race([
      db.$queryRaw<{ one: number }[]>`SELECT 1 AS one`,
      new Promise((_, reject) => setTimeout(() => reject(new Error('no connection within 10 s')), 10_000)),
    ]);
    await expect(answer).resolves.toEqual([{ one: 1 }]);
  } finally {
    await db.$disconnect();
  }
  // Short: without the fix the pool is gone and the transactions wait for it until this limit.
}, 30_000);
