// Prisma's pg adapter, made to give a connection back to the pool when COMMIT or ROLLBACK fails.
// Prisma 6.19 sends those statements itself and releases the connection only after they succeed,
// so every connection that died mid-transaction (a database restart, a failover) was lost to the
// pool for good: a few outages and every query waited forever. Released here, pg-pool drops a
// dead connection and keeps a live one (whose failed COMMIT has already ended the transaction).
import { PrismaPg } from '@prisma/adapter-pg';

type Adapter = Awaited<ReturnType<PrismaPg['connect']>>;
type Transaction = Awaited<ReturnType<Adapter['startTransaction']>>;

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
      // The adapter's rollback() sends nothing: it only detaches and releases the connection.
      if (query.sql === 'COMMIT' || query.sql === 'ROLLBACK') await tx.rollback();
      throw err;
    }
  };
  return tx;
}
