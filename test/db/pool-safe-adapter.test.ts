// A connection that dies mid-transaction goes back to the pool: after more such deaths than the
// pool has connections, queries still run; and one that fails as it is handed to a transaction
// does not take the process down. On a real PostgreSQL.
import type { PoolClient } from 'pg';
import { createDb, poolOf } from '../../src/db/prisma';
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

test(
  'a connection that fails while it is handed to a waiting ' + 'transaction fails that transaction, not the process',
  async () => {
    const db = createDb({ url: database.url, poolSize: 1 });
    try {
      await db.$queryRaw`SELECT 1`;
      const pool = poolOf(db);
      const held = await new Promise<PoolClient>(
        (resolve, reject) => void pool.connect((err, client) => (err ? reject(err) : resolve(client!))),
      );
      const waiting = db.$transaction(async (tx) => tx.$queryRaw`SELECT 1`);
      waiting.catch(() => undefined);
      while (pool.waitingCount === 0) await new Promise((r) => setTimeout(r, 10));
      // As in PostgreSQL's fast shutdown: the read that frees the connection also carries the server's
      // notice. Releasing hands the connection to the transaction, and the notice comes before the
      // transaction has awaited it; nobody listened, so the error was thrown and ended the process.
      held.release();
      const notice = Object.assign(new Error('terminating connection due to administrator command'), {
        severity: 'FATAL',
        code: '57P01',
      });
      (held as unknown as { connection: { emit(event: string, msg: unknown): void } }).connection.emit(
        'errorMessage',
        notice,
      );
      await expect(waiting).rejects.toThrow();
      await expect(db.$queryRaw`SELECT 1 AS one`).resolves.toEqual([{ one: 1 }]);
    } finally {
      await db.$disconnect();
    }
  },
  30_000,
);
