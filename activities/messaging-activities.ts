// Sending a journey message exactly once per message key. The row is written under its key
// before the provider is called, so a retried activity finds it and never sends twice.
import { LiquidError } from 'liquidjs';
import { DeliveryRejectedError, DeliveryUnavailableError } from '../src/messaging/delivery-errors';
import { HOLDOUT } from '../src/programs/entry-routing';
import { createSuppressions } from '../src/messaging/suppressions';
import { createConsent } from '../src/messaging/unsubscribe';
import { createRenderer, type RenderedMessage } from '../src/templates/render';
import { createTemplateService } from '../src/templates/template-service';
import type { SendMessageInput, SendOutcome } from '../src/core/calls';
import type { ActivityDeps } from './deps';
import { loadProfileScope } from './profile-scope';

export function createMessagingActivities({ db, email: emailSender, emailFrom, unsubscribe, webhooks }: Pick<ActivityDeps, 'db' | 'email' | 'emailFrom' | 'unsubscribe' | 'webhooks'>) {
  const renderer = createRenderer();
  const templates = createTemplateService(db);
  const consent = createConsent(db);
  const suppressions = createSuppressions(db);

  async function finish(key: string, outcome: SendOutcome): Promise<SendOutcome> {
    await db.message.update({
      where: { key },
      data:
        outcome.status === 'sent'
          ? { status: 'sent', providerMessageId: outcome.providerMessageId, sentAt: new Date() }
          : { status: outcome.status, reason: outcome.reason },
    });
    return outcome;
  }

  return {
    async sendMessage(input: SendMessageInput): Promise<SendOutcome> {
      await db.message.createMany({
        data: [{
          key: input.key, customerId: input.customerId, enrollmentId: input.enrollmentId, programId: input.programId,
          version: input.version, variant: input.variant, stepId: input.stepId, channel: input.channel, templateId: input.templateId, status: 'queued',
          scheduledAt: new Date(input.scheduledAt),
        }],
        skipDuplicates: true,
      });
      const row = await db.message.findUniqueOrThrow({ where: { key: input.key } });
      if (row.status === 'sent') return { status: 'sent', providerMessageId: row.providerMessageId };
      if (row.status === 'skipped' || row.status === 'failed') return { status: row.status, reason: row.reason ?? '' };
      if (row.status === 'sending') {
        // An earlier attempt died during the provider call: it may have been accepted. We never
        // risk a second copy; the delivered webhook (which carries the key) confirms it later.
        await db.message.update({ where: { key: input.key }, data: { status: 'sent', reason: 'unconfirmed' } });
        return { status: 'sent', providerMessageId: null };
      }

      if (input.skipReason) return finish(input.key, { status: 'skipped', reason: input.skipReason });
      if (input.variant === HOLDOUT) return finish(input.key, { status: 'skipped', reason: 'holdout' });
      const scope = await loadProfileScope(db, input.customerId);
      const email = scope.profile.email;
      if (input.channel === 'email' && typeof email !== 'string') return finish(input.key, { status: 'skipped', reason: 'no_email' });
      // Suppressions (bounces, complaints, erasure) follow the person, whatever the channel.
      const suppressed = typeof email === 'string' ? await suppressions.isSuppressed(email) : null;
      if (suppressed) return finish(input.key, { status: 'skipped', reason: `suppressed: ${suppressed}` });
      const to = input.channel === 'email' ? (email as string) : input.url;
      if (!to) return finish(input.key, { status: 'failed', reason: 'webhook step has no url' });
      const group = await consent.groupOfProgram(input.programId, input.version);
      if (group && !(await consent.isSubscribed(input.customerId, group))) return finish(input.key, { status: 'skipped', reason: `unsubscribed: ${group}` });
      const template = await templates.current(input.templateId);
      if (!template) return finish(input.key, { status: 'failed', reason: `template ${input.templateId} not found` });

      const unsubscribeUrl = group ? unsubscribe.url(input.customerId, group) : null;
      const context = { customer: scope.profile, traits: scope.traits, event: input.entryEvent, recommendations: input.recommendations, unsubscribeUrl };
      let rendered: RenderedMessage;
      try {
        rendered = await renderer.render(template, context);
      } catch (err) {
        // Rendering fails the same way on every attempt: the step's failure branch runs instead.
        if (!(err instanceof LiquidError)) throw err;
        return finish(input.key, { status: 'failed', reason: `template ${input.templateId} cannot be rendered: ${err.message.slice(0, 300)}` });
      }
      const { subject, html } = rendered;
      const headers = unsubscribeUrl ? { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : undefined;
      // Compare-and-set: only one attempt may move the row into the in-doubt state.
      const claimed = await db.message.updateMany({
        where: { key: input.key, status: 'queued' },
        data: { status: 'sending', recipient: to, subject, templateVersion: template.version },
      });
      if (claimed.count === 0) throw new Error(`message ${input.key} is being sent by another attempt`);
      try {
        const { providerMessageId } =
          input.channel === 'email'
            ? await emailSender.send({ to, from: emailFrom, subject, html, headers, messageKey: input.key })
            : await webhooks.post({
                url: to,
                messageKey: input.key,
                body: { messageKey: input.key, customerId: input.customerId, programId: input.programId, stepId: input.stepId, templateId: input.templateId, subject, body: html, event: input.entryEvent, recommendations: input.recommendations },
              });
        return await finish(input.key, { status: 'sent', providerMessageId });
      } catch (err) {
        if (err instanceof DeliveryRejectedError) return finish(input.key, { status: 'failed', reason: err.message });
        // Only a definite "not accepted" (429/5xx, connection refused) makes a resend safe. Any
        // other failure (a timeout, a reset after the request went out) may hide an accepted
        // message: the row stays `sending`, and the retry treats it as sent, unconfirmed.
        // Failed attempts are counted either way: rollout guardrails compare versions by them.
        const lastError = err instanceof Error ? err.message.slice(0, 500) : String(err);
        await db.message.update({
          where: { key: input.key },
          data: { failedAttempts: { increment: 1 }, lastError, ...(notAccepted(err) ? { status: 'queued' } : {}) },
        });
        throw err;
      }
    },
  };
}

function notAccepted(err: unknown): boolean {
  return err instanceof DeliveryUnavailableError && (err.statusCode !== undefined || /ECONNREFUSED/.test(err.message));
}
