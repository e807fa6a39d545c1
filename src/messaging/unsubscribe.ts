// Consent per subscription group and the signed one-click unsubscribe links (RFC 8058) that let a
// customer withdraw it. A token is HMAC-SHA256 over (customer id, group) with the signing secret:
// it names who and what, needs no database row, and cannot be forged or retargeted.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { UNSUBSCRIBE_PATH } from '../contracts/routes/public';
import type { Db } from '../db/prisma';

const DEFAULT_SUBSCRIPTION_GROUP = 'marketing';
/** Domain separation: this secret may one day sign other things; those tokens must not verify here. */
const PURPOSE = 'kairos/unsubscribe';
const MAX_TOKEN_LENGTH = 2048;

export interface UnsubscribeTarget {
  customerId: string;
  group: string;
}

export function createUnsubscribeLinks(options: { secret: string; publicUrl: string }) {
  if (options.secret.length < 32) throw new Error('the signing secret must be at least 32 characters');
  const base = `${options.publicUrl.replace(/\/+$/, '')}${UNSUBSCRIBE_PATH}`;
  const mac = (customerId: string, group: string) =>
    createHmac('sha256', options.secret).update(`${PURPOSE}\n${customerId}\n${group}`).digest();
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

  function token(customerId: string, group: string): string {
    return [b64(customerId), b64(group), mac(customerId, group).toString('base64url')].join('.');
  }

  return {
    token,
    url: (customerId: string, group: string) => `${base}?token=${token(customerId, group)}`,
    /** For previews and test sends: a link that unsubscribes nobody (it answers 400). */
    placeholderUrl: `${base}?token=preview`,

    /** The customer and group a token names, or null when it is malformed or not ours. */
    verify(candidate: string): UnsubscribeTarget | null {
      if (candidate.length > MAX_TOKEN_LENGTH) return null;
      const parts = candidate.split('.');
      if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return null;
      const [customerId, group] = parts.slice(0, 2).map((p) => Buffer.from(p, 'base64url').toString('utf8')) as [
        string,
        string,
      ];
      // Decoding is lenient (a dangling character, stray padding bits and invalid UTF-8 decode to
      // something), so the whole token is compared with the one we would issue for what it names:
      // only that exact string verifies.
      const given = Buffer.from(candidate, 'utf8');
      const expected = Buffer.from(token(customerId, group), 'utf8');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      return { customerId, group };
    },
  };
}

export type UnsubscribeLinks = ReturnType<typeof createUnsubscribeLinks>;

/** The group a program's messages belong to; null for transactional mail that names none. */
export function subscriptionGroupOf(definition: ConsentFields): string | null {
  if (definition.subscriptionGroup) return definition.subscriptionGroup;
  return definition.priority === 'transactional' ? null : DEFAULT_SUBSCRIPTION_GROUP;
}

/** What `subscriptionGroupOf` reads of a program version's definition. */
export interface ConsentFields {
  priority?: string | null;
  subscriptionGroup?: string | null;
}

/**
 * SQL: the `ConsentFields` of the program version whose id and version are the SQL expressions
 * given, as JSON (versions are immutable); null when there is no such version, which
 * subscriptionGroupOf reads as an empty definition.
 */
export function consentFieldsSql(programId: string, version: string): string {
  return `(SELECT jsonb_build_object('priority', consent_version.definition->'priority',
                                    'subscriptionGroup', consent_version.definition->'subscriptionGroup')
             FROM program_versions consent_version
            WHERE consent_version.program_id = ${programId} AND consent_version.version = ${version})`;
}

/** SQL: the customer's (an SQL expression) consent rows as a JSON object, group → subscribed. */
export function subscriptionsSql(customerId: string): string {
  return `(SELECT coalesce(jsonb_object_agg(consent_row."group", consent_row.subscribed), '{}'::jsonb)
             FROM subscriptions consent_row WHERE consent_row.customer_id = ${customerId})`;
}

/** Opt-out: a customer is subscribed to every group until they leave it. */
export function isSubscribedIn(subscriptions: Record<string, boolean>, group: string): boolean {
  return Object.hasOwn(subscriptions, group) ? subscriptions[group] === true : true;
}

export function createConsent(db: Db) {
  return {
    /** Idempotent and safe under concurrent clicks: a repeat keeps the first unsubscribe's time. */
    async unsubscribe(customerId: string, group: string): Promise<void> {
      await db.$executeRaw`
        INSERT INTO subscriptions (customer_id, "group", subscribed, updated_at)
        VALUES (${customerId}, ${group}, false, (now() AT TIME ZONE 'UTC'))
        ON CONFLICT (customer_id, "group") DO UPDATE SET subscribed = false, updated_at = (now() AT TIME ZONE 'UTC')
        WHERE subscriptions.subscribed`;
    },
  };
}

export type Consent = ReturnType<typeof createConsent>;
