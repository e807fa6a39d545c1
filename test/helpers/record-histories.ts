// Recording mode for the replay suite: with KAIROS_RECORD_HISTORIES=<dir>, each test world
// writes the histories of its customer workflows there when it stops (`npm run histories:record`).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { Db } from '../../src/db/prisma';
import { customerWorkflowId } from '../../src/temporal/addressing';

export async function recordHistories(env: TestWorkflowEnvironment, db: Db, scenario: string): Promise<void> {
  const dir = process.env.KAIROS_RECORD_HISTORIES;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const customers = await db.customer.findMany({ select: { id: true }, orderBy: { createdAt: 'asc' } });
  for (const [i, { id }] of customers.entries()) {
    const handle = env.client.workflow.getHandle(customerWorkflowId(id));
    try {
      const history = await handle.fetchHistory();
      writeFileSync(join(dir, `${scenario}-${i + 1}.json`), historyToJSON(history));
    } catch {
      // A customer who never had an event has no workflow: nothing to record.
    }
  }
}
