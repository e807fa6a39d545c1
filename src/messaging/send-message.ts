// Sending a journey message exactly once per message key (docs/ARCHITECTURE.md "Sending exactly
// once"). The row is written under its key before the provider is called, so a retried attempt
// finds it and never sends twice. Whether it goes and what it says is the dispatch's.
import type { Clock } from '../clock';
import type { SendMessageInput, SendOutcome } from '../core/calls';
import type { Db } from '../db/prisma';
import { DeliveryRejectedError, DeliveryUnavailableError } from './delivery-errors';
import type { EmailSender } from './email-sender';
import { createMessageDispatch } from './message-dispatch';
import { createMessageRows } from './message-rows';
import { createSuppressions } from './suppressions';
import type { UnsubscribeLinks } from './unsubscribe';
import type { WebhookSender } from './webhook-port';

/** Told how the sends this process settles end (the worker's metrics). */
export interface SendObserver {
  settled(channel: string, status: SendOutcome['status'], reason: string | null): void;
  providerError(channel: string, requeued: boolean): void;
}

export interface SendMessagePorts {
  db: Db;
  email: EmailSender;
  emailFrom: string;
  webhooks: WebhookSender;
  unsubscribe: UnsubscribeLinks;
  clock: Clock;
  observer?: SendObserver;
}

export function createSendMessage(ports: SendMessagePorts) {
  const { db, email, emailFrom, webhooks, unsubscribe, clock, observer } = ports;
  const messages = createMessageRows(db, clock);
  const dispatch = createMessageDispatch({ unsubscribe, suppressions: createSuppressions(db) });

  /** Settles the row; only the attempt that settles it reports it, so a retry counts nothing twice. */
  async function finish(input: SendMessageInput, outcome: SendOutcome): Promise<SendOutcome> {
    await messages.finish(input.key, outcome);
    observer?.settled(input.channel, outcome.status, outcome.status === 'sent' ? null : outcome.reason);
    return outcome;
  }

  return async function sendMessage(input: SendMessageInput): Promise<SendOutcome> {
    // One statement writes the row (or finds it) and reads all a send decides and renders by.
    const reads = await messages.writeOrRead(input);
    const row = reads.message;
    if (row.status === 'sent') return { status: 'sent', providerMessageId: row.providerMessageId };
    if (row.status === 'skipped' || row.status === 'failed') return { status: row.status, reason: row.reason ?? '' };
    if (row.status === 'sending') {
      // An earlier attempt died during the provider call: it may have been accepted. We never
      // risk a second copy; the delivered webhook (which carries the key) confirms it later.
      await messages.unconfirmed(input.key);
      observer?.settled(input.channel, 'sent', 'unconfirmed');
      return { status: 'sent', providerMessageId: null };
    }

    const decided = await dispatch.decide(input, reads);
    if (!decided.go) return finish(input, decided.outcome);
    const { recipient: to, content, headers } = decided;
    // Compare-and-set: only one attempt may move the row into the in-doubt state.
    const claimed = await messages.claim(input.key, {
      recipient: to,
      subject: content.subject,
      templateVersion: decided.templateVersion,
    });
    if (!claimed) throw new Error(`message ${input.key} is being sent by another attempt`);
    try {
      const { providerMessageId } =
        input.channel === 'email'
          ? await email.send({ to, from: emailFrom, ...content, headers, messageKey: input.key })
          : await webhooks.post({
              url: to,
              messageKey: input.key,
              body: {
                messageKey: input.key,
                customerId: input.customerId,
                programId: input.programId,
                stepId: input.stepId,
                templateId: input.templateId,
                subject: content.subject,
                body: content.html,
                event: input.entryEvent,
                recommendations: input.recommendations,
              },
            });
      return await finish(input, { status: 'sent', providerMessageId });
    } catch (err) {
      if (err instanceof DeliveryRejectedError) return finish(input, { status: 'failed', reason: err.message });
      // Only a definite "not accepted" (429/5xx, connection refused) makes a resend safe. Any
      // other failure (a timeout, a reset after the request went out) may hide an accepted
      // message: the row stays `sending`, and the retry treats it as sent, unconfirmed.
      // Failed attempts are counted either way: rollout guardrails compare versions by them.
      const lastError = err instanceof Error ? err.message.slice(0, 500) : String(err);
      const requeued = notAccepted(err);
      await messages.failedAttempt(input.key, lastError, requeued);
      observer?.providerError(input.channel, requeued);
      throw err;
    }
  };
}

function notAccepted(err: unknown): boolean {
  return err instanceof DeliveryUnavailableError && (err.statusCode !== undefined || /ECONNREFUSED/.test(err.message));
}
