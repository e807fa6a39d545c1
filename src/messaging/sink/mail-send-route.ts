// POST /v3/mail/send: SendGrid's send endpoint as the sink plays it (faults, auth, validation, 202).
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Router } from 'express';
import { mailSendBody, sendGridError, toSendGridErrors, type MailSendBody } from './mail-send-schema';
import type { SinkFaults } from './sink-faults';
import type { SinkMessage, SinkStore } from './sink-store';

export interface MailSendRouteDeps {
  store: SinkStore;
  faults: SinkFaults;
  /** Called after messages are stored; must not block the response. */
  onAccepted(messages: SinkMessage[]): void;
  /** Aborts injected delays when the sink closes. */
  signal: AbortSignal;
}

const faultMessages: Record<number, string> = {
  429: 'too many requests',
  500: 'internal server error',
  502: 'bad gateway',
  503: 'service unavailable',
  504: 'gateway timeout',
};

export function createMailSendRouter(deps: MailSendRouteDeps): Router {
  const router = Router();
  router.post('/v3/mail/send', async (req, res) => {
    // Faults come first: an outage or rate limit answers before SendGrid looks at the request.
    const subject: unknown = req.body?.subject;
    const fault = deps.faults.take(typeof subject === 'string' ? subject : undefined);
    if (fault.delayMs > 0) await sleep(fault.delayMs, undefined, { signal: deps.signal });
    if (fault.status !== undefined) {
      if (fault.retryAfterSeconds !== undefined) res.set('Retry-After', String(fault.retryAfterSeconds));
      res.status(fault.status).json(sendGridError(faultMessages[fault.status] ?? 'injected fault'));
      return;
    }
    if (!/^Bearer\s+\S+/i.test(req.get('authorization') ?? '')) {
      res.status(401).json(sendGridError('The provided authorization grant is invalid, expired, or revoked'));
      return;
    }
    const parsed = mailSendBody.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ errors: toSendGridErrors(parsed.error) });
      return;
    }
    const messageId = randomBytes(16).toString('base64url');
    const messages = toSinkMessages(parsed.data, messageId, new Date());
    messages.forEach((m) => deps.store.add(m));
    deps.onAccepted(messages);
    res.status(202).set('x-message-id', messageId).end();
  });
  return router;
}

/** One stored message per personalization, as SendGrid sends one email per personalization. */
function toSinkMessages(body: MailSendBody, messageId: string, receivedAt: Date): SinkMessage[] {
  const contentOf = (type: string): string | null => body.content.find((c) => c.type === type)?.value ?? null;
  return body.personalizations.map((p, index) => ({
    id: `${messageId}.sink.${index}`,
    messageId,
    receivedAt: receivedAt.toISOString(),
    to: p.to.map((a) => a.email),
    from: body.from.email,
    // The schema guarantees one of the two is present.
    subject: p.subject ?? body.subject ?? '',
    html: contentOf('text/html'),
    text: contentOf('text/plain'),
    headers: { ...body.headers, ...p.headers },
    customArgs: { ...body.custom_args, ...p.custom_args },
  }));
}
