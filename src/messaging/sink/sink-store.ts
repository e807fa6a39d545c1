// The sink's in-memory inbox: every message it accepted, newest first.

export interface SinkMessage {
  /** Unique per recipient list, shaped like SendGrid's sg_message_id: `<x-message-id>.sink.<n>`. */
  id: string;
  /** The x-message-id the send answered with; shared by all personalizations of one request. */
  messageId: string;
  receivedAt: string;
  to: string[];
  from: string;
  subject: string;
  html: string | null;
  text: string | null;
  headers: Record<string, string>;
  customArgs: Record<string, string>;
}

export interface SinkStore {
  add(message: SinkMessage): void;
  /** Newest first; `to` keeps messages with that recipient (case-insensitive). */
  list(filter?: { to?: string }): SinkMessage[];
  get(id: string): SinkMessage | undefined;
  clear(): void;
}

export function createSinkStore(): SinkStore {
  const messages: SinkMessage[] = [];
  return {
    add(message) {
      messages.push(message);
    },
    list(filter = {}) {
      const to = filter.to?.toLowerCase();
      const matching = to ? messages.filter((m) => m.to.some((r) => r.toLowerCase() === to)) : messages;
      return [...matching].reverse();
    },
    get(id) {
      return messages.find((m) => m.id === id);
    },
    clear() {
      messages.length = 0;
    },
  };
}
