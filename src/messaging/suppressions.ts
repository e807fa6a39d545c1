// Addresses Kairos must never email again, keyed by a SHA-256 digest of the lower-cased address so
// a suppression outlives (and does not undo) a GDPR erase of the customer.
import { createHash } from 'node:crypto';
import type { Db } from '../db/prisma';

/** Strongest first: when one address holds several, the first listed is the one reported. */
export const SUPPRESSION_KINDS = ['erased', 'complained', 'bounced', 'unsubscribed'] as const;
export type SuppressionKind = (typeof SUPPRESSION_KINDS)[number];

export function digestEmail(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

export function createSuppressions(db: Db) {
  /** Idempotent: the first suppression of a kind keeps its customer, reason and date. True when new. */
  async function suppress(email: string, kind: SuppressionKind, customerId?: string | null, reason?: string | null): Promise<boolean> {
    const { count } = await db.suppression.createMany({
      data: [{ emailDigest: digestEmail(email), kind, customerId: customerId ?? null, reason: reason ?? null }],
      skipDuplicates: true,
    });
    return count === 1;
  }

  /**
   * The kind that suppresses this address (the strongest, if several), or null when it may be
   * emailed. A string, not SuppressionKind: a kind this code does not know still suppresses.
   */
  async function isSuppressed(email: string): Promise<string | null> {
    const rows = await db.suppression.findMany({ where: { emailDigest: digestEmail(email) }, select: { kind: true } });
    const kinds = rows.map((r) => r.kind);
    return SUPPRESSION_KINDS.find((k) => kinds.includes(k)) ?? kinds.sort()[0] ?? null;
  }

  return { suppress, isSuppressed };
}

export type Suppressions = ReturnType<typeof createSuppressions>;
