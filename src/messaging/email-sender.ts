// The outbound email port: what activities call to send, and the two ways a send can fail.
import { DeliveryRejectedError, DeliveryUnavailableError } from './delivery-errors';

export interface OutgoingEmail {
  to: string;
  from: string;
  subject: string;
  html: string;
  text?: string;
  /** Our idempotency/correlation key; the provider echoes it back in webhook events. */
  messageKey: string;
  headers?: Record<string, string>;
  customArgs?: Record<string, string>;
}

export interface EmailSender {
  send(email: OutgoingEmail): Promise<{ providerMessageId: string | null }>;
}

/** Permanent: the provider refused this email (4xx other than 429). Retrying cannot help. */
export class EmailRejectedError extends DeliveryRejectedError {
  override readonly name = 'EmailRejectedError';
}

/** Transient: rate limited (429), provider error (5xx) or network failure. Safe to retry. */
export class EmailUnavailableError extends DeliveryUnavailableError {
  override readonly name = 'EmailUnavailableError';
}
