// How any outbound channel (email, webhook) says a delivery failed: refused for good, or not
// accepted this time. The send activity decides between a failure branch and a retry by these.

/** Permanent: the receiver refused the message (a 4xx other than 429). Retrying cannot help. */
export class DeliveryRejectedError extends Error {
  override readonly name: string = 'DeliveryRejectedError';

  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

/** Transient: rate limited (429), receiver error (5xx) or network failure. */
export class DeliveryUnavailableError extends Error {
  override readonly name: string = 'DeliveryUnavailableError';

  constructor(
    message: string,
    readonly statusCode?: number,
    /** From a 429's Retry-After, so a retry policy can wait at least this long. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
