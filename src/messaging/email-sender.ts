// The outbound email port: what activities call to send, and the two ways a send can fail.

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
export class EmailRejectedError extends Error {
  override readonly name = 'EmailRejectedError';

  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

/** Transient: rate limited (429), provider error (5xx) or network failure. Safe to retry. */
export class EmailUnavailableError extends Error {
  override readonly name = 'EmailUnavailableError';

  constructor(
    message: string,
    readonly statusCode?: number,
    /** From a 429's Retry-After, so a retry policy can wait at least this long. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
