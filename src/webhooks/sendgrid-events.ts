// Turns verified SendGrid Event Webhook batches into customer events, message status updates and
// suppressions. Every effect is idempotent (events are keyed by sg_event_id, updates converge), so
// a replayed batch, or SendGrid's retry of one that failed halfway, has no second effect.
import { z } from 'zod';
import type { Logger } from 'pino';
import type { Db } from '../db/prisma';
import type { Ingestion } from '../ingestion/ingestion';
import { createSuppressions, type SuppressionKind } from '../messaging/suppressions';

/** SendGrid event → Kairos event type. Others (processed, deferred, group_resubscribe) are ignored. */
const KAIROS_EVENT_TYPES: Record<string, string> = {
  delivered: 'email_delivered',
  open: 'email_opened',
  click: 'email_clicked',
  bounce: 'email_bounced',
  dropped: 'email_dropped',
  spamreport: 'email_complained',
  unsubscribe: 'email_unsubscribed',
  group_unsubscribe: 'email_unsubscribed',
};

/** One event. Loose: SendGrid flattens custom args into the event, and adds fields over time. */
const sendGridEventSchema = z.looseObject({
  event: z.string().min(1),
  email: z.string().min(3).max(320),
  timestamp: z.number().int().nonnegative(),
  // SendGrid documents up to 100 characters; with the "sendgrid:" prefix it fits an event id.
  sg_event_id: z.string().min(1).max(119).optional(),
  sg_message_id: z.string().min(1).optional(),
  message_key: z.string().min(1).optional(),
  url: z.string().optional(),
  reason: z.string().optional(),
  /** On bounces: "bounce" (permanent) or "blocked" (temporary, not suppressed). */
  type: z.string().optional(),
  asm_group_id: z.number().optional(),
});
type SendGridEvent = z.output<typeof sendGridEventSchema>;

export interface BatchResult {
  received: number;
  ingested: number;
  duplicates: number;
  /** Unparseable events, event types Kairos does not track, and events with no customer to file under. */
  ignored: number;
}

interface Correlation {
  customerId: string;
  message?: { key: string; templateId: string; programId: string; stepId: string };
}

const CONCURRENCY = 8;

export function createSendGridEvents(deps: { db: Db; ingestion: Ingestion; logger: Logger }) {
  const { db, ingestion, logger } = deps;
  const suppressions = createSuppressions(db);

  /** Finds each event's message (by the message_key custom arg), else a customer known by the address. */
  async function correlate(events: SendGridEvent[]): Promise<Map<SendGridEvent, Correlation>> {
    const keys = [...new Set(events.flatMap((e) => (e.message_key ? [e.message_key] : [])))];
    const messages = await db.message.findMany({
      where: { key: { in: keys } },
      select: { key: true, customerId: true, templateId: true, programId: true, stepId: true },
    });
    const byKey = new Map(messages.map((m) => [m.key, m]));
    const emails = [
      ...new Set(events.filter((e) => !byKey.has(e.message_key ?? '')).map((e) => e.email.toLowerCase())),
    ];
    const known = await db.customerIdentifier.findMany({ where: { kind: 'email', value: { in: emails } } });
    const byEmail = new Map(known.map((i) => [i.value, i.customerId]));
    const result = new Map<SendGridEvent, Correlation>();
    for (const e of events) {
      const message = byKey.get(e.message_key ?? '');
      const customerId = message?.customerId ?? byEmail.get(e.email.toLowerCase());
      if (customerId) result.set(e, { customerId, message });
    }
    return result;
  }

  async function updateMessage(e: SendGridEvent, key: string): Promise<void> {
    if (e.event === 'delivered') {
      // Delivery proves SendGrid accepted the send: an attempt that died mid-call ("unconfirmed",
      // or still "sending"/"queued") is confirmed, so a retried activity will not send again.
      const providerMessageId = e.sg_message_id?.split('.')[0] ?? null;
      await db.$executeRaw`
        UPDATE "messages" SET "status" = 'sent',
          "provider_message_id" = COALESCE("provider_message_id", ${providerMessageId}),
          "sent_at" = COALESCE("sent_at", ${new Date(e.timestamp * 1000)}),
          "reason" = CASE WHEN "reason" = 'unconfirmed' THEN NULL ELSE "reason" END
        WHERE "key" = ${key} AND "status" IN ('queued', 'sending', 'sent')`;
    } else if (e.event === 'bounce' || e.event === 'dropped') {
      const what = e.event === 'dropped' ? 'dropped' : e.type === 'blocked' ? 'blocked' : 'bounced';
      await db.message.updateMany({
        where: { key },
        data: { reason: `${what}: ${e.reason ?? 'no reason given'}`.slice(0, 1000) },
      });
    }
  }

  function suppressionOf(e: SendGridEvent): { kind: SuppressionKind; reason: string | null } | null {
    switch (e.event) {
      case 'bounce':
        return e.type === 'blocked' ? null : { kind: 'bounced', reason: e.reason ?? null };
      case 'spamreport':
        return { kind: 'complained', reason: null };
      case 'unsubscribe':
        return { kind: 'unsubscribed', reason: null };
      case 'group_unsubscribe':
        // Kairos sends no ASM groups, so a group unsubscribe is read as "no more of our mail".
        return { kind: 'unsubscribed', reason: `group_unsubscribe ${e.asm_group_id ?? ''}`.trim() };
      default:
        return null;
    }
  }

  function propertiesOf(e: SendGridEvent, c: Correlation): Record<string, string | number> {
    const properties: Record<string, string | number | undefined> = {
      messageKey: c.message?.key ?? e.message_key,
      templateId: c.message?.templateId,
      programId: c.message?.programId,
      stepId: c.message?.stepId,
      url: e.event === 'click' ? e.url : undefined,
      reason: e.event === 'bounce' || e.event === 'dropped' ? e.reason : undefined,
      bounceType: e.event === 'bounce' ? e.type : undefined,
      asmGroupId: e.event === 'group_unsubscribe' ? e.asm_group_id : undefined,
      sgMessageId: e.sg_message_id,
    };
    return Object.fromEntries(
      Object.entries(properties).filter((p): p is [string, string | number] => p[1] !== undefined),
    );
  }

  /** Effects first, then the event: a retry after a failure in between redoes the (idempotent) effects. */
  async function handleOne(e: SendGridEvent, c: Correlation | undefined, result: BatchResult): Promise<void> {
    if (c?.message) await updateMessage(e, c.message.key);
    const suppression = suppressionOf(e);
    if (suppression) await suppressions.suppress(e.email, suppression.kind, c?.customerId, suppression.reason);
    const type = KAIROS_EVENT_TYPES[e.event];
    if (!type || !c || !e.sg_event_id) {
      result.ignored += 1;
      if (type)
        logger.debug(
          { event: e.event, messageKey: e.message_key, sgEventId: e.sg_event_id },
          'sendgrid event not filed: no customer or no event id',
        );
      return;
    }
    const ingested = await ingestion.ingest({
      eventId: `sendgrid:${e.sg_event_id}`,
      type,
      timestamp: new Date(e.timestamp * 1000).toISOString(),
      customer: { id: c.customerId },
      properties: propertiesOf(e, c),
    });
    if (ingested.duplicate) result.duplicates += 1;
    else result.ingested += 1;
  }

  async function handleBatch(batch: unknown[]): Promise<BatchResult> {
    const result: BatchResult = { received: batch.length, ingested: 0, duplicates: 0, ignored: 0 };
    const events: SendGridEvent[] = [];
    for (const [index, raw] of batch.entries()) {
      const parsed = sendGridEventSchema.safeParse(raw);
      if (parsed.success) events.push(parsed.data);
      else {
        // One malformed event must not make SendGrid retry (and lose) the whole batch for a day.
        result.ignored += 1;
        logger.warn({ index, issues: parsed.error.issues }, 'malformed sendgrid event ignored');
      }
    }
    const correlations = await correlate(events);
    // One customer's events in batch order (delivered before open), customers side by side.
    const groups = new Map<string, SendGridEvent[]>();
    for (const e of events) {
      const group = correlations.get(e)?.customerId ?? `email:${e.email.toLowerCase()}`;
      const members = groups.get(group) ?? [];
      members.push(e);
      groups.set(group, members);
    }
    const queue = [...groups.values()];
    const lanes = Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
      for (let group = queue.shift(); group; group = queue.shift()) {
        for (const e of group) await handleOne(e, correlations.get(e), result);
      }
    });
    const failed = (await Promise.allSettled(lanes)).find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    return result;
  }

  return { handleBatch };
}
