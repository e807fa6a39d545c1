// Prisma's pg adapter, made to give a connection back to the pool when COMMIT or ROLLBACK fails.
// Prisma 6.19 sends those statements itself and releases the connection only after they succeed,
// so every connection that died mid-transaction (a database restart, a failover) was lost to the
// pool for good: a few outages and every query waited forever. Here such a connection is
// released with the error, so pg-pool destroys it and opens a fresh one when needed.
import { PrismaPg } from '@prisma/adapter-pg';

type Adapter = Awaited<ReturnType<PrismaPg['connect']>>;
type Transaction = Awaited<ReturnType<Adapter['startTransaction']>>;
/** The adapter's transaction holds its pooled pg client as `client` (not in its public type). */
type PooledTransaction = { client: { release(err?: Error | boolean): void } };

export class PoolSafePrismaPg extends PrismaPg {
  override async connect(): Promise<Adapter> {
    const adapter = await super.connect();
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => releaseOnFailedEnd(await startTransaction(isolationLevel));
    return adapter;
  }
}

function releaseOnFailedEnd(tx: Transaction): Transaction {
  const executeRaw = tx.executeRaw.bind(tx);
  tx.executeRaw = async (query) => {
    try {
      return await executeRaw(query);
    } catch (err) {
      // Released with the error, pg-pool destroys the connection rather than keep it: it may be
      // dead before its socket has told so, or still inside a transaction.
      if (query.sql === 'COMMIT' || query.sql === 'ROLLBACK')
        (tx as unknown as PooledTransaction).client.release(err instanceof Error ? err : true);
      throw err;
    }
  };
  return tx;
}
