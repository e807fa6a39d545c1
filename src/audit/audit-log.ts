// The audit log: who (an API key id, or a controller such as `rollout:<id>`) changed what, with
// the state before and after. Writers add entries in the same transaction as the change itself.
import type { Prisma } from '../../generated/prisma/client';
import { z } from 'zod';
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

export const auditQuerySchema = z.strictObject({
  resource: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({
      description:
        'e.g. `program:welcome` (its versions, states, experiments and rollouts), ' +
        '`template:welcome`, `api-key:<id>`, `customer:<id>`',
    }),
  actor: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: 'an API key id, or a controller: `rollout:<id>`, `experiment:<id>`' }),
  /** Entries older than this id (the previous page's `nextBefore`). */
  before: z.coerce.bigint().positive().max(9_223_372_036_854_775_807n).optional().meta({ type: 'string' }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function createAuditLog(db: Db) {
  return {
    /** Newest first; pages with `before`. */
    async list(query: z.output<typeof auditQuerySchema>) {
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
