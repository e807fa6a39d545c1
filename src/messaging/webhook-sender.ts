// The webhook channel's adapter, for SMS providers and in-house systems: a JSON POST signed with
// HMAC-SHA256 and carrying the message key as its Idempotency-Key, so a receiver can drop a
// repeat. Sent through the same outbox as email (see src/messaging/send-message.ts).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DeliveryRejectedError, DeliveryUnavailableError } from './delivery-errors';
import type { WebhookSender } from './webhook-port';

export const SIGNATURE_HEADER = 'x-kairos-signature';
export const TIMESTAMP_HEADER = 'x-kairos-timestamp';

/** `v1=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`, as a receiver recomputes it. */
function webhookSignature(secret: string, timestamp: string, rawBody: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

export function verifyWebhookSignature(secret: string, timestamp: string, rawBody: string, signature: string): boolean {
  const expected = Buffer.from(webhookSignature(secret, timestamp, rawBody));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function createWebhookSender(options: { secret: string; timeoutMs?: number }): WebhookSender {
  return {
    async post({ url, messageKey, body }) {
      const raw = JSON.stringify(body);
      const timestamp = String(Math.floor(Date.now() / 1000));
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          body: raw,
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
          headers: {
            'content-type': 'application/json',
            'idempotency-key': messageKey,
            [TIMESTAMP_HEADER]: timestamp,
            [SIGNATURE_HEADER]: webhookSignature(options.secret, timestamp, raw),
          },
        });
      } catch (err) {
        const code = (err as { cause?: { code?: string } }).cause?.code;
        // Refused before anything was sent: safe to retry. Anything else (a timeout) is in doubt.
        if (code === 'ECONNREFUSED') throw new DeliveryUnavailableError(`webhook ${url}: ECONNREFUSED`);
        throw err;
      }
      if (res.ok) return { providerMessageId: res.headers.get('x-request-id') };
      const text = (await res.text()).slice(0, 300);
      if (res.status === 429 || res.status >= 500)
        throw new DeliveryUnavailableError(`webhook ${url} answered ${res.status}: ${text}`, res.status);
      throw new DeliveryRejectedError(`webhook ${url} answered ${res.status}: ${text}`, res.status);
    },
  };
}
