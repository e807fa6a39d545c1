// How far a broadcast has got: recipients targeted, enqueued and delivered (the outbox), entered
// and finished (the program's step counters, src/trace/step-records.ts), and its messages by
// status and reason (the messages table, by program).
import { sqlRows, type Db } from '../db/prisma';
import { deliveredCount } from './broadcast-outbox';

/** Entered and finished (left by any exit) from the program's counters: one indexed read. */
export async function programTotals(db: Db, programId: string): Promise<{ entered: number; finished: number }> {
  const [row] = await sqlRows<{ entered: number; finished: number }>(
    db,
    `SELECT coalesce(sum(n) FILTER (WHERE measure = 'entered'), 0)::int AS entered,
            coalesce(sum(n) FILTER (WHERE measure LIKE 'exit:%'), 0)::int AS finished
       FROM journey_step_counts WHERE program_id = $1`,
    [programId],
  );
  return row ?? { entered: 0, finished: 0 };
}

export async function broadcastProgress(
  db: Db,
  broadcast: {
    id: string;
    programId: string;
    targeted: number | null;
    enqueued: number;
    resent: number;
    unreached: number | null;
  },
) {
  const [delivered, totals, byStatus] = await Promise.all([
    deliveredCount(db, broadcast.id),
    programTotals(db, broadcast.programId),
    sqlRows<{ status: string; reason: string | null; n: number }>(
      db,
      `SELECT status, reason, count(*)::int AS n FROM messages WHERE program_id = $1 GROUP BY status, reason`,
      [broadcast.programId],
    ),
  ]);
  const messages: Record<string, number> = {};
  for (const row of byStatus) messages[row.status] = (messages[row.status] ?? 0) + row.n;
  const reasons = byStatus
    .filter((row) => row.reason !== null && (row.status === 'skipped' || row.status === 'failed'))
    .map((row) => ({ status: row.status, reason: row.reason!, count: row.n }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  return {
    targeted: broadcast.targeted,
    enqueued: broadcast.enqueued,
    resent: broadcast.resent,
    delivered,
    ...totals,
    unreached: broadcast.unreached,
    messages,
    reasons,
  };
}
