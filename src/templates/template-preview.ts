// Previews and test sends: the current template rendered for a real customer (their profile,
// traits and product recommendations), shown to the marketer or emailed to an address they give.
// Rendered by the message dispatch that journey sends use, so both say the same.
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../clock';
import { loadProfileScope } from '../customers/profile-scope';
import type { CustomerEvent } from '../core/state';
import { InvalidError, NotFoundError, RejectedError, UnavailableError } from '../core/errors';
import type { Db } from '../db/prisma';
import { EmailRejectedError, EmailUnavailableError, type EmailSender } from '../messaging/email-sender';
import { createMessageDispatch, type Audience } from '../messaging/message-dispatch';
import { createSuppressions } from '../messaging/suppressions';
import type { UnsubscribeLinks } from '../messaging/unsubscribe';
import { recommendProducts } from '../recommendations/recommend';
import type { TemplateService } from './template-service';

/** As many as a `recommend` step gives by default. */
const PREVIEW_RECOMMENDATIONS = 4;

export interface PreviewRequest {
  customerId?: string;
  /** Stands in for the entry event; its products seed the recommendations. */
  event?: { type: string; properties: Record<string, unknown> };
  /** Unsaved content to render instead of the current version (the console's editor). */
  draft?: { subject: string; body: string };
}

export interface PreviewDeps {
  db: Db;
  templates: TemplateService;
  /** Unset: test sends answer 503. */
  email?: { sender: EmailSender; from: string };
  /** Its placeholder link stands in for the signed one a send carries. */
  unsubscribe: UnsubscribeLinks;
  /** Unset: the system clock. */
  clock?: Clock;
}

export function createTemplatePreview(deps: PreviewDeps) {
  const { db, templates, clock = systemClock } = deps;
  const dispatch = createMessageDispatch({ unsubscribe: deps.unsubscribe, suppressions: createSuppressions(db) });

  async function audienceOf(request: PreviewRequest, now: Date): Promise<Audience> {
    const event: CustomerEvent | null = request.event
      ? { id: 'preview', occurredAt: now.toISOString(), ...request.event }
      : null;
    if (!request.customerId) return { scope: { profile: {}, traits: {} }, event, recommendations: [] };
    const { customerId } = request;
    if (!(await db.customer.findUnique({ where: { id: customerId }, select: { id: true } })))
      throw new NotFoundError(`customer ${customerId}`);
    const [scope, recommendations] = await Promise.all([
      loadProfileScope(db, customerId),
      recommendProducts(db, {
        customerId,
        entryEvent: event ?? { id: 'preview', type: 'preview', occurredAt: now.toISOString(), properties: {} },
        count: PREVIEW_RECOMMENDATIONS,
      }),
    ]);
    return { scope, event, recommendations };
  }

  async function render(templateId: string, request: PreviewRequest) {
    const template = request.draft
      ? { id: templateId, channel: 'email', ...request.draft, version: null }
      : await templates.current(templateId);
    if (!template) throw new NotFoundError(`template ${templateId}`);
    const audience = await audienceOf(request, clock.now());
    try {
      return { ...(await dispatch.preview(template, audience)), version: template.version };
    } catch (err) {
      throw new InvalidError('Template cannot be rendered', [], err instanceof Error ? err.message : String(err));
    }
  }

  return {
    preview: render,

    /** Emails the rendered template to `to`, subject marked "[Test]"; no message row, no journey. */
    async testSend(templateId: string, request: PreviewRequest & { to: string }) {
      if (!deps.email)
        throw new UnavailableError(
          'Email not configured',
          'No email provider is configured for the API (SENDGRID_API_KEY)',
        );
      const rendered = await render(templateId, request);
      const subject = `[Test] ${rendered.subject}`;
      const { providerMessageId } = await deps.email.sender
        .send({
          to: request.to,
          from: deps.email.from,
          subject,
          html: rendered.html,
          messageKey: `test-send/${templateId}/${randomUUID()}`,
        })
        .catch((err: unknown) => {
          if (err instanceof EmailRejectedError) throw new RejectedError('Email rejected', err.message);
          if (err instanceof EmailUnavailableError)
            throw new UnavailableError('Email provider unavailable', err.message);
          throw err;
        });
      return { to: request.to, subject, version: rendered.version, providerMessageId };
    },
  };
}

export type TemplatePreview = ReturnType<typeof createTemplatePreview>;
