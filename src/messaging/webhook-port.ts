// The outbound webhook port: what a send calls to deliver a message on the webhook channel. The
// adapter (src/messaging/webhook-sender.ts) signs the POST and says how it failed in the terms of
// src/messaging/delivery-errors.ts.

export interface OutgoingWebhook {
  url: string;
  /** The receiver's Idempotency-Key: a repeat of one message carries the same key. */
  messageKey: string;
  body: Record<string, unknown>;
}

export interface WebhookSender {
  post(webhook: OutgoingWebhook): Promise<{ providerMessageId: string | null }>;
}
