// The statements of a journey send (src/messaging/send-message.ts), straight through pg: a
// successful send is three statements and no transaction block. Prisma compiled each of its calls
// again, and wrapped createMany and updateMany in BEGIN/COMMIT (15 statements, 11 transactions,
// bench/results/profile-engine-v2.md). Timestamps are written as Prisma writes them: UTC, without
// time zone.
import type { Clock } from '../clock';
import type { SendMessageInput, SendOutcome } from '../core/calls';
import { profileScopeSql, scopeOf, type ProfileScopeRow } from '../customers/profile-scope';
import { sqlRows, type Db } from '../db/prisma';
import { currentTemplateSql } from '../templates/template-service';
import type { DispatchReads } from './message-dispatch';
import { emailDigestSql, suppressionKindsSql } from './suppressions';
import { consentFieldsSql, subscriptionsSql, type ConsentFields } from './unsubscribe';

interface MessageState {
  status: string;
  reason: string | null;
  providerMessageId: string | null;
}

/** The message row, and everything a send decides and renders by, as of one snapshot. */
export interface SendReads extends DispatchReads {
  message: MessageState;
}

/**
 * Inserts the message `queued` under its key unless a row holds it, and reads in the same
 * statement the row, the customer's profile scope, the suppressions of their addresses, the
 * program version's consent fields, their consent rows and the current template. The input is one
 * JSON parameter (as src/ingestion/unreferenced-batch.ts does), its times as ISO instants (the
 * creation time is the Clock's: this process's time in production, as Prisma's was).
 *
 * The existing row comes from the statement's snapshot. If another attempt inserted the key after
 * that snapshot was taken, the insert does nothing and the snapshot has no row: `message` is null
 * and the caller reads the row again.
 */
const WRITE_OR_READ = `
  WITH input AS (
    SELECT * FROM jsonb_to_record($1::jsonb) AS t(
      key text, customer_id text, enrollment_id text, program_id text, version int, variant text,
      step_id text, channel text, template_id text, scheduled_at timestamptz, created_at timestamptz)
  ), written AS (
    INSERT INTO messages (key, customer_id, enrollment_id, program_id, version, variant, step_id, channel, template_id,
                          status, scheduled_at, created_at)
    SELECT key, customer_id, enrollment_id, program_id, version, variant, step_id, channel, template_id, 'queued',
           scheduled_at AT TIME ZONE 'UTC', created_at AT TIME ZONE 'UTC'
      FROM input
    ON CONFLICT (key) DO NOTHING
    RETURNING status, reason, provider_message_id
  ), message AS (
    SELECT status, reason, provider_message_id FROM written
    UNION ALL
    SELECT m.status, m.reason, m.provider_message_id FROM messages m, input req
     WHERE m.key = req.key AND NOT EXISTS (SELECT FROM written)
  )
  SELECT (SELECT to_jsonb(message) FROM message) AS message,
         p.*,
         (SELECT coalesce(jsonb_object_agg(d.digest, ${suppressionKindsSql('d.digest')}), '{}'::jsonb)
            FROM (SELECT DISTINCT ${emailDigestSql('e.email')} AS digest
                    FROM (SELECT x.value AS email FROM customer_identifiers x
                           WHERE x.customer_id = req.customer_id AND x.kind = 'email'
                          UNION ALL
                          SELECT c.traits->>'email' FROM customers c
                           WHERE c.id = req.customer_id AND jsonb_typeof(c.traits->'email') = 'string') e) d)
           AS suppression_kinds,
         ${consentFieldsSql('req.program_id', 'req.version')} AS consent,
         ${subscriptionsSql('req.customer_id')} AS subscriptions,
         (SELECT to_jsonb(t) FROM (${currentTemplateSql('req.template_id')}) t) AS template
    FROM input req
    CROSS JOIN LATERAL (${profileScopeSql('req.customer_id')}) p`;

interface WriteOrReadRow extends ProfileScopeRow {
  message: { status: string; reason: string | null; provider_message_id: string | null } | null;
  suppression_kinds: Record<string, string[]>;
  consent: ConsentFields | null;
  subscriptions: Record<string, boolean>;
  template: DispatchReads['template'];
}

const READ = `SELECT status, reason, provider_message_id FROM messages WHERE key = $1`;

/** Compare-and-set: only one attempt may move the row into the in-doubt state. */
const CLAIM = `
  UPDATE messages SET status = 'sending', recipient = $2, subject = $3, template_version = $4
   WHERE key = $1 AND status = 'queued'
  RETURNING key`;

const SENT = `
  UPDATE messages SET status = 'sent', provider_message_id = $2, sent_at = $3::timestamptz AT TIME ZONE 'UTC'
   WHERE key = $1
  RETURNING key`;

const SETTLED = `UPDATE messages SET status = $2, reason = $3 WHERE key = $1 RETURNING key`;

/** An in-doubt send found by a retry: counted as sent, never sent again. */
const UNCONFIRMED = `UPDATE messages SET status = 'sent', reason = 'unconfirmed' WHERE key = $1 RETURNING key`;

/** A provider call that failed; back to `queued` only when it was definitely not accepted. */
const FAILED_ATTEMPT = `
  UPDATE messages SET failed_attempts = failed_attempts + 1, last_error = $2,
         status = CASE WHEN $3::boolean THEN 'queued' ELSE status END
   WHERE key = $1
  RETURNING key`;

export function createMessageRows(db: Db, clock: Clock) {
  /** Every update names an existing row (written first); none found is an error, as Prisma's update threw. */
  async function update(sql: string, params: unknown[]): Promise<void> {
    const rows = await sqlRows(db, sql, params);
    if (rows.length === 0) throw new Error(`message ${String(params[0])} not found`);
  }

  return {
    async writeOrRead(input: SendMessageInput): Promise<SendReads> {
      const record = {
        key: input.key,
        customer_id: input.customerId,
        enrollment_id: input.enrollmentId,
        program_id: input.programId,
        version: input.version,
        variant: input.variant,
        step_id: input.stepId,
        channel: input.channel,
        template_id: input.templateId,
        scheduled_at: new Date(input.scheduledAt).toISOString(),
        created_at: clock.now().toISOString(),
      };
      const [row] = await sqlRows<WriteOrReadRow>(db, WRITE_OR_READ, [JSON.stringify(record)]);
      const message = row!.message ?? (await sqlRows<NonNullable<WriteOrReadRow['message']>>(db, READ, [input.key]))[0];
      if (!message) throw new Error(`message ${input.key} not found`);
      return {
        message: { status: message.status, reason: message.reason, providerMessageId: message.provider_message_id },
        scope: scopeOf(input.customerId, row),
        suppressionKinds: row!.suppression_kinds,
        consent: row!.consent,
        subscriptions: row!.subscriptions,
        template: row!.template,
      };
    },

    /** True when this attempt moved the row from `queued` to `sending`. */
    async claim(
      key: string,
      sending: { recipient: string; subject: string; templateVersion: number | null },
    ): Promise<boolean> {
      const rows = await sqlRows(db, CLAIM, [key, sending.recipient, sending.subject, sending.templateVersion]);
      return rows.length === 1;
    },

    finish(key: string, outcome: SendOutcome): Promise<void> {
      return outcome.status === 'sent'
        ? update(SENT, [key, outcome.providerMessageId, clock.now().toISOString()])
        : update(SETTLED, [key, outcome.status, outcome.reason]);
    },

    unconfirmed: (key: string) => update(UNCONFIRMED, [key]),

    failedAttempt: (key: string, lastError: string, requeue: boolean) =>
      update(FAILED_ATTEMPT, [key, lastError, requeue]),
  };
}
