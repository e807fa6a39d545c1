// Recent messages, newest first, for the console's message list: what each journey send became
// (sent, skipped with its reason, failed) without reading a customer's trace.
import type { Db } from '../db/prisma';

export interface MessageFilter {
  programId?: string;
  status?: string;
  limit: number;
}

export function recentMessages(db: Db, filter: MessageFilter) {
  return db.message.findMany({
    where: { programId: filter.programId, status: filter.status },
    orderBy: { createdAt: 'desc' },
    take: filter.limit,
    select: {
      key: true,
      customerId: true,
      programId: true,
      version: true,
      variant: true,
      stepId: true,
      channel: true,
      templateId: true,
      status: true,
      reason: true,
      createdAt: true,
      sentAt: true,
    },
  });
}
