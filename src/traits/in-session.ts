// One connection of a client's pg pool, held for a job that stages rows in temporary tables.
import type { PoolClient } from 'pg';
import { poolOf, type Db } from '../db/prisma';

/** Runs `work` on one connection and drops its temporary tables before handing the connection back. */
export async function inSession<T>(db: Db, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await poolOf(db).connect();
  let broken: Error | undefined;
  try {
    return await work(client);
  } finally {
    // A connection that cannot even drop its tables is destroyed rather than pooled with them.
    await client.query('DISCARD TEMP').catch((err: unknown) => {
      broken = err instanceof Error ? err : new Error(String(err));
    });
    client.release(broken);
  }
}

/**
 * Every id in `table` (a temporary table whose primary key is `customer_id`), in pages of `size`
 * in id order, each handed to `each` before the next is read.
 */
export async function eachPage(
  client: PoolClient,
  table: string,
  size: number,
  each: (ids: string[]) => Promise<void>,
): Promise<number> {
  let after = '';
  let seen = 0;
  for (;;) {
    const { rows } = await client.query<{ customer_id: string }>(
      `SELECT customer_id FROM ${table} WHERE customer_id > $1 ORDER BY customer_id LIMIT $2`,
      [after, size],
    );
    if (rows.length === 0) return seen;
    const ids = rows.map((row) => row.customer_id);
    await each(ids);
    seen += ids.length;
    after = ids.at(-1)!;
  }
}
