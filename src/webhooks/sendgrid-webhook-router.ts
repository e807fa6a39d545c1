// POST /v1/webhooks/sendgrid: SendGrid's signed Event Webhook. Not behind API keys; a batch is
// authentic when its ECDSA signature over `timestamp + raw body` verifies with the configured key.
//
// Freshness: a timestamp more than 25 hours old (or 5 minutes ahead) is refused. Not 10 minutes:
// SendGrid retries a failed post for up to 24 hours and does not document whether a retry is
// signed anew, so a tight window could turn an API outage into lost bounces and unsubscribes.
// Replays inside the window are harmless: events are keyed by sg_event_id and every effect is
// idempotent. The window only stops a batch captured long ago from re-suppressing an address.
import { EventWebhook, EventWebhookHeader } from '@sendgrid/eventwebhook';
import type { Logger } from 'pino';
import { zodIssues } from '../contracts/issues';
import { sendGridBatchSchema, type publicRoutes } from '../contracts/routes/public';
import type { Db } from '../db/prisma';
import type { Ingestion } from '../ingestion/ingestion';
import { HttpError, ValidationError } from '../api/errors';
import type { Handlers } from '../api/mount-routes';
import { createSendGridEvents } from './sendgrid-events';

const MAX_SIGNATURE_AGE_MS = 25 * 3_600_000;
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export interface SendGridWebhookDeps {
  db: Db;
  ingestion: Ingestion;
  logger: Logger;
  /** Base64 SPKI DER, SendGrid's "verification key". Unset: the route answers 503. */
  webhookPublicKey?: string;
}

type Verify = (rawBody: Buffer, signature: string, timestamp: string) => boolean;

export function sendgridWebhookHandlers(
  deps: SendGridWebhookDeps,
): Pick<Handlers<typeof publicRoutes>, 'sendgridWebhook'> {
  const verify = deps.webhookPublicKey ? createVerifier(deps.webhookPublicKey) : undefined;
  const events = createSendGridEvents(deps);

  return {
    sendgridWebhook: async ({ req }) => {
      if (!verify) throw new HttpError(503, 'Webhook not configured', 'SENDGRID_WEBHOOK_PUBLIC_KEY is not set');
      if (!Buffer.isBuffer(req.body))
        throw new HttpError(415, 'Unsupported media type', 'Send the events as application/json');
      const signature = req.get(EventWebhookHeader.SIGNATURE()) ?? '';
      const timestamp = req.get(EventWebhookHeader.TIMESTAMP()) ?? '';
      if (!signature || !/^\d{1,12}$/.test(timestamp) || !verify(req.body, signature, timestamp)) {
        throw new HttpError(401, 'Unauthorized', 'Missing or invalid Event Webhook signature');
      }
      const age = Date.now() - Number(timestamp) * 1000;
      if (age > MAX_SIGNATURE_AGE_MS || age < -MAX_CLOCK_SKEW_MS) {
        throw new HttpError(401, 'Unauthorized', 'The Event Webhook timestamp is outside the accepted window');
      }

      let json: unknown;
      try {
        json = JSON.parse(req.body.toString('utf8'));
      } catch {
        throw new HttpError(400, 'Malformed JSON', 'The request body is not valid JSON');
      }
      const batch = sendGridBatchSchema.safeParse(json);
      if (!batch.success) throw new ValidationError(zodIssues(batch.error, 'body'));
      const result = await events.handleBatch(batch.data);
      deps.logger.debug({ ...result }, 'sendgrid webhook batch handled');
      return result;
    },
  };
}

function createVerifier(publicKey: string): Verify {
  const webhook = new EventWebhook();
  let key: ReturnType<EventWebhook['convertPublicKeyToECDSA']>;
  try {
    key = webhook.convertPublicKeyToECDSA(publicKey);
  } catch (err) {
    throw new Error(`SENDGRID_WEBHOOK_PUBLIC_KEY is not a base64 SPKI DER EC public key: ${(err as Error).message}`);
  }
  return (rawBody, signature, timestamp) => {
    try {
      return webhook.verifySignature(key, rawBody, signature, timestamp);
    } catch {
      // A signature that is not base64 DER is as bad as a wrong one.
      return false;
    }
  };
}
