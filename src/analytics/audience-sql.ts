// How the audience analyses run their statements: straight through the client's pg pool, with
// room to hash. A funnel or RACE step groups a few hundred thousand customers; at the default
// work_mem (4 MB) PostgreSQL spills those hash tables to disk.
import { poolOf, type Db } from '../db/prisma';

const WORK_MEM = '64MB';

export async function analyticsRows<T>(db: Db, sql: string, params: unknown[]): Promise<T[]> {
  const client = await poolOf(db).connect();
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`SET LOCAL work_mem = '${WORK_MEM}'`);
    const { rows } = await client.query(sql, params);
    await client.query('COMMIT');
    return rows as T[];
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
