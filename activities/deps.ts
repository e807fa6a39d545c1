// What activities need from the outside world, handed in by the worker's composition root.
import type { Logger } from 'pino';
import type { Clock } from '../src/clock';
import type { Db } from '../src/db/prisma';
import type { EmailSender } from '../src/messaging/email-sender';
import type { UnsubscribeLinks } from '../src/messaging/unsubscribe';
import type { WebhookSender } from '../src/messaging/webhook-port';
import type { SendObserver } from '../src/messaging/send-message';
import type { ControlTiming } from '../src/core/calls';
import type { ContactPolicyConfig } from '../src/messaging/contact-policy-reads';

export interface ActivityDeps {
  db: Db;
  email: EmailSender;
  emailFrom: string;
  logger: Logger;
  /** Caps and quiet hours every marketing send is held to. */
  contactPolicy: ContactPolicyConfig;
  /** Signs the one-click unsubscribe link every group-bound message carries. */
  unsubscribe: UnsubscribeLinks;
  /** The webhook channel (signed JSON POSTs). */
  webhooks: WebhookSender;
  /** How fresh the program state customers act on must be (paused, stopped, rolled back). */
  controlTiming: ControlTiming;
  /** What sends stamp their rows with; unset, the system clock. */
  clock?: Clock;
  /** Told how each send ends (the worker's metrics). */
  sends?: SendObserver;
  /** Rows per import batch and how long one import chunk runs; unset, 5,000 rows and a minute. */
  imports?: { batchSize: number; chunkMs: number };
}
