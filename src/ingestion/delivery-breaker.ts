// While Temporal is unreachable every signal waits out the client's 3 s deadline. After one
// fails, requests skip the inline signal (the event is in the outbox; the relay delivers it)
// until one probe, let through after `retryAfterMs`, gets a signal through again. So the API
// keeps acknowledging at full speed through an outage instead of 3 s per event.
export interface DeliveryBreaker {
  /** A recent delivery failed and no probe has succeeded since. */
  open(): boolean;
  /** Whether this request should signal now; if true, it must report the outcome. */
  allow(): boolean;
  succeeded(): void;
  failed(): void;
}

export function createDeliveryBreaker(retryAfterMs = 1000, now: () => number = Date.now): DeliveryBreaker {
  let failedAt: number | null = null;
  let probing = false;
  return {
    open: () => failedAt !== null,
    allow() {
      if (failedAt === null) return true;
      if (probing || now() - failedAt < retryAfterMs) return false;
      probing = true;
      return true;
    },
    succeeded() {
      failedAt = null;
      probing = false;
    },
    failed() {
      failedAt = now();
      probing = false;
    },
  };
}
