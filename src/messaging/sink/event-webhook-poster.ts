// Delivers signed Event Webhook batches to the configured URL, retrying a bounded number of times.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { SendGridEvent } from './sink-events';
import type { WebhookSigner } from './webhook-signer';

export interface EventWebhookPosterOptions {
  webhookUrl: string;
  signer: WebhookSigner;
  logger: Logger;
  /** Total tries per batch. Bounded so a dead receiver cannot pile up work in a test process. */
  attempts?: number;
  /** First retry delay; doubles on each retry. */
  backoffMs?: number;
  requestTimeoutMs?: number;
}

export interface EventWebhookPoster {
  /** Posts one batch with retries; true once the receiver answered 2xx. */
  deliver(events: SendGridEvent[]): Promise<boolean>;
  /** Delivers in the background after `delayMs`; the outcome is only logged. */
  schedule(events: SendGridEvent[], delayMs: number): void;
  /** Abandons pending retries and waits for in-flight posts to settle. */
  close(): Promise<void>;
}

export function createEventWebhookPoster(options: EventWebhookPosterOptions): EventWebhookPoster {
  const { webhookUrl, signer, logger, attempts = 5, backoffMs = 250, requestTimeoutMs = 5_000 } = options;
  const closing = new AbortController();
  const pending = new Set<Promise<unknown>>();

  const postOnce = async (events: SendGridEvent[]): Promise<void> => {
    // SendGrid's bodies end with CRLF; receivers must verify the raw bytes, so we reproduce them.
    const body = `${JSON.stringify(events)}\r\n`;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await fetch(webhookUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'SendGrid Event API',
        'X-Twilio-Email-Event-Webhook-Signature': signer.sign(timestamp, body),
        'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
      },
      body,
      signal: AbortSignal.any([closing.signal, AbortSignal.timeout(requestTimeoutMs)]),
    });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`webhook answered ${response.status}`);
  };

  const deliver = async (events: SendGridEvent[]): Promise<boolean> => {
    for (let attempt = 1; attempt <= attempts && !closing.signal.aborted; attempt += 1) {
      try {
        await postOnce(events);
        logger.debug({ webhookUrl, count: events.length, attempt }, 'event webhook delivered');
        return true;
      } catch (error) {
        if (closing.signal.aborted) break;
        logger.warn({ webhookUrl, attempt, attempts, err: error }, 'event webhook post failed');
        if (attempt < attempts) {
          await sleep(backoffMs * 2 ** (attempt - 1), undefined, { signal: closing.signal }).catch(() => undefined);
        }
      }
    }
    return false;
  };

  const track = <T>(promise: Promise<T>): Promise<T> => {
    pending.add(promise);
    void promise.finally(() => pending.delete(promise)).catch(() => undefined);
    return promise;
  };

  return {
    deliver: (events) => track(deliver(events)),
    schedule(events, delayMs) {
      const run = async (): Promise<void> => {
        await sleep(delayMs, undefined, { signal: closing.signal });
        if (!(await deliver(events))) logger.error({ webhookUrl, events }, 'event webhook batch dropped');
      };
      void track(run().catch(() => undefined));
    },
    async close() {
      closing.abort();
      await Promise.allSettled([...pending]);
    },
  };
}
