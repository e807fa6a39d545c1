// Builds Event Webhook event objects for stored messages, in SendGrid's flat JSON shape.
import { randomBytes } from 'node:crypto';
import type { SinkMessage } from './sink-store';

export type SinkEventType = 'delivered' | 'open' | 'click';

export type SendGridEvent = Record<string, string | number> & {
  email: string;
  timestamp: number;
  event: SinkEventType;
  sg_event_id: string;
  sg_message_id: string;
};

export interface EventDetails {
  url?: string;
  at?: Date;
}

/** One event for one recipient of `message`. */
export function buildEvent(
  message: SinkMessage,
  email: string,
  event: SinkEventType,
  details: EventDetails = {},
): SendGridEvent {
  const timestamp = Math.floor((details.at ?? new Date()).getTime() / 1000);
  const specific: Record<string, string> =
    event === 'delivered'
      ? { response: '250 OK', 'smtp-id': `<${message.messageId}@sink.local>` }
      : { useragent: 'Kairos-Sink/1.0', ip: '127.0.0.1', ...(details.url ? { url: details.url } : {}) };
  return {
    // SendGrid flattens custom_args into each event; reserved fields come after so an arg cannot
    // impersonate them.
    ...message.customArgs,
    ...specific,
    email,
    timestamp,
    event,
    sg_event_id: randomBytes(16).toString('base64url'),
    sg_message_id: message.id,
  };
}

/** `delivered` for every recipient: SendGrid reports delivery per recipient. */
export function deliveredEvents(message: SinkMessage): SendGridEvent[] {
  return message.to.map((email) => buildEvent(message, email, 'delivered'));
}
