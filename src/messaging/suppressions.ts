// Addresses Kairos must never email again, keyed by a SHA-256 digest of the lower-cased address so
// a suppression outlives (and does not undo) a GDPR erase of the customer.
import { createHash } from 'node:crypto';
import { sqlRows, type Db } from '../db/prisma';

/** Strongest first: when one address holds several, the first listed is the one reported. */
const SUPPRESSION_KINDS = ['erased', 'complained', 'bounced', 'unsubscribed'] as const;
export type SuppressionKind = (typeof SUPPRESSION_KINDS)[number];

export function digestEmail(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

/**
 * SQL for `digestEmail` of the text expression `email`, so one statement can look an address up
 * before JS has it. It matches digestEmail for what `trim()` strips (ASCII space, tab, newline,
 * vertical tab, form feed and carriage return, and the Unicode spaces, line separators and BOM:
 * PostgreSQL's one-argument btrim strips only spaces) and, for ASCII, what `toLowerCase()` does;
 * PostgreSQL's lower() of other letters follows the database's locale and may not. So a digest
 * from here is a key to look up by digestEmail, never a stand-in for it: an address whose digests
 * differ is simply not found among those fetched, and is looked up again (`isSuppressed`).
 */
export function emailDigestSql(email: string): string {
  return `encode(sha256(convert_to(lower(btrim(${email}, ${TRIMMED_SQL})), 'UTF8')), 'hex')`;
}

const TRIMMED_SQL =
  `E' \\t\\n\\x0B\\f\\r' || ` +
  `U&'\\00A0\\1680\\2000\\2001\\2002\\2003\\2004\\2005\\2006\\2007` +
  `\\2008\\2009\\200A\\2028\\2029\\202F\\205F\\3000\\FEFF'`;

/** SQL: the kinds that suppress the digest `digest` (an SQL expression), as a JSON array. */
export function suppressionKindsSql(digest: string): string {
  return `(SELECT coalesce(jsonb_agg(suppression.kind), '[]'::jsonb) FROM suppressions suppression
             WHERE suppression.email_digest = ${digest})`;
}

/**
 * The kind reported for an address suppressed by these kinds: the strongest, and of kinds this
 * code does not know (they still suppress) the first in order; null for none.
 */
export function strongestKind(kinds: readonly string[]): string | null {
  return SUPPRESSION_KINDS.find((k) => kinds.includes(k)) ?? [...kinds].sort()[0] ?? null;
}

export function createSuppressions(db: Db) {
  /** Idempotent: the first suppression of a kind keeps its customer, reason and date. True when new. */
  async function suppress(
    email: string,
    kind: SuppressionKind,
    customerId?: string | null,
    reason?: string | null,
  ): Promise<boolean> {
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
    const [row] = await sqlRows<{ kinds: string[] }>(db, `SELECT ${suppressionKindsSql('$1::text')} AS kinds`, [
      digestEmail(email),
    ]);
    return strongestKind(row?.kinds ?? []);
  }

  return { suppress, isSuppressed };
}

export type Suppressions = ReturnType<typeof createSuppressions>;
