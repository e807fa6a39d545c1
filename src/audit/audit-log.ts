// The audit log: who (an API key id, or a controller such as `rollout:<id>`) changed what, with
// the state before and after. Writers add entries in the same transaction as the change itself.
import type { Prisma } from '../../generated/prisma/client';
import type { AuditQuery } from '../contracts/routes/admin';
import type { Db } from '../db/prisma';

export interface AuditRecord {
  actor: string;
  action: string;
  resource: string;
  before?: unknown;
  after?: unknown;
}

/** The row to create for `record` (JSON values as Prisma wants them). */
export function auditData(record: AuditRecord): Prisma.AuditEntryCreateInput {
  return {
    actor: record.actor,
    action: record.action,
    resource: record.resource,
    ...(record.before === undefined ? {} : { before: record.before as Prisma.InputJsonValue }),
    ...(record.after === undefined ? {} : { after: record.after as Prisma.InputJsonValue }),
  };
}

export function createAuditLog(db: Db) {
  return {
    /** Newest first; pages with `before`. */
    async list(query: AuditQuery) {
      const rows = await db.auditEntry.findMany({
        where: { resource: query.resource, actor: query.actor, ...(query.before ? { id: { lt: query.before } } : {}) },
        orderBy: { id: 'desc' },
        take: query.limit,
      });
      const entries = rows.map((r) => ({ ...r, id: r.id.toString() }));
      return { entries, nextBefore: rows.length === query.limit ? entries.at(-1)!.id : null };
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
