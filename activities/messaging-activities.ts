// Sending a journey message exactly once per message key. The row is written under its key
// before the provider is called, so a retried activity finds it and never sends twice.
import { LiquidError } from 'liquidjs';
import { DeliveryRejectedError, DeliveryUnavailableError } from '../src/messaging/delivery-errors';
import { HOLDOUT } from '../src/programs/entry-routing';
import { createSuppressions, digestEmail, strongestKind } from '../src/messaging/suppressions';
import { isSubscribedIn, subscriptionGroupOf } from '../src/messaging/unsubscribe';
import { createRenderer, type RenderedMessage } from '../src/templates/render';
import type { SendMessageInput, SendOutcome } from '../src/core/calls';
import type { ActivityDeps } from './deps';
import { createMessageRows } from './message-rows';

export function createMessagingActivities({
  db,
  email: emailSender,
  emailFrom,
  unsubscribe,
  webhooks,
}: Pick<ActivityDeps, 'db' | 'email' | 'emailFrom' | 'unsubscribe' | 'webhooks'>) {
  const renderer = createRenderer();
  const suppressions = createSuppressions(db);
  const messages = createMessageRows(db);

  async function finish(key: string, outcome: SendOutcome): Promise<SendOutcome> {
    await messages.finish(key, outcome);
    return outcome;
  }

  /**
   * The kind suppressing this address (the strongest), from the kinds the send's statement read
   * when it read them under this address's digest; else, asked now (src/messaging/suppressions.ts).
   */
  function suppressionOf(fetched: Record<string, string[]>, email: string): Promise<string | null> | string | null {
    const digest = digestEmail(email);
    return Object.hasOwn(fetched, digest) ? strongestKind(fetched[digest]!) : suppressions.isSuppressed(email);
  }

  return {
    async sendMessage(input: SendMessageInput): Promise<SendOutcome> {
      // One statement writes the row (or finds it) and reads all a send decides and renders by.
      const reads = await messages.writeOrRead(input);
      const row = reads.message;
      if (row.status === 'sent') return { status: 'sent', providerMessageId: row.providerMessageId };
      if (row.status === 'skipped' || row.status === 'failed') return { status: row.status, reason: row.reason ?? '' };
      if (row.status === 'sending') {
        // An earlier attempt died during the provider call: it may have been accepted. We never
        // risk a second copy; the delivered webhook (which carries the key) confirms it later.
        await messages.unconfirmed(input.key);
        return { status: 'sent', providerMessageId: null };
      }

      if (input.skipReason) return finish(input.key, { status: 'skipped', reason: input.skipReason });
      if (input.variant === HOLDOUT) return finish(input.key, { status: 'skipped', reason: 'holdout' });
      const { scope } = reads;
      const email = scope.profile.email;
      if (input.channel === 'email' && typeof email !== 'string')
        return finish(input.key, { status: 'skipped', reason: 'no_email' });
      // Suppressions (bounces, complaints, erasure) follow the person, whatever the channel.
      const suppressed = typeof email === 'string' ? await suppressionOf(reads.suppressionKinds, email) : null;
      if (suppressed) return finish(input.key, { status: 'skipped', reason: `suppressed: ${suppressed}` });
      const to = input.channel === 'email' ? (email as string) : input.url;
      if (!to) return finish(input.key, { status: 'failed', reason: 'webhook step has no url' });
      const group = subscriptionGroupOf(reads.consent ?? {});
      if (group && !isSubscribedIn(reads.subscriptions, group))
        return finish(input.key, { status: 'skipped', reason: `unsubscribed: ${group}` });
      const { template } = reads;
      if (!template) return finish(input.key, { status: 'failed', reason: `template ${input.templateId} not found` });

      const unsubscribeUrl = group ? unsubscribe.url(input.customerId, group) : null;
      const context = {
        customer: scope.profile,
        traits: scope.traits,
        event: input.entryEvent,
        recommendations: input.recommendations,
        unsubscribeUrl,
      };
      let rendered: RenderedMessage;
      try {
        rendered = await renderer.render(template, context);
      } catch (err) {
        // Rendering fails the same way on every attempt: the step's failure branch runs instead.
        if (!(err instanceof LiquidError)) throw err;
        return finish(input.key, {
          status: 'failed',
          reason: `template ${input.templateId} cannot be rendered: ${err.message.slice(0, 300)}`,
        });
      }
      const { subject, html } = rendered;
      const headers = unsubscribeUrl
        ? { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
        : undefined;
      // Compare-and-set: only one attempt may move the row into the in-doubt state.
      const claimed = await messages.claim(input.key, { recipient: to, subject, templateVersion: template.version });
      if (!claimed) throw new Error(`message ${input.key} is being sent by another attempt`);
      try {
        const { providerMessageId } =
          input.channel === 'email'
            ? await emailSender.send({ to, from: emailFrom, subject, html, headers, messageKey: input.key })
            : await webhooks.post({
                url: to,
                messageKey: input.key,
                body: {
                  messageKey: input.key,
                  customerId: input.customerId,
                  programId: input.programId,
                  stepId: input.stepId,
                  templateId: input.templateId,
                  subject,
                  body: html,
                  event: input.entryEvent,
                  recommendations: input.recommendations,
                },
              });
        return await finish(input.key, { status: 'sent', providerMessageId });
      } catch (err) {
        if (err instanceof DeliveryRejectedError) return finish(input.key, { status: 'failed', reason: err.message });
        // Only a definite "not accepted" (429/5xx, connection refused) makes a resend safe. Any
        // other failure (a timeout, a reset after the request went out) may hide an accepted
        // message: the row stays `sending`, and the retry treats it as sent, unconfirmed.
        // Failed attempts are counted either way: rollout guardrails compare versions by them.
        const lastError = err instanceof Error ? err.message.slice(0, 500) : String(err);
        await messages.failedAttempt(input.key, lastError, notAccepted(err));
        throw err;
      }
    },
  };
}

function notAccepted(err: unknown): boolean {
  return err instanceof DeliveryUnavailableError && (err.statusCode !== undefined || /ECONNREFUSED/.test(err.message));
}
