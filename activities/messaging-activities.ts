// The send activity: a Temporal call handed to the exactly-once send (src/messaging/send-message.ts).
// Failures no retry can mend become non-retryable for every activity in src/worker/poison-failures.ts.
import { systemClock } from '../src/clock';
import { createSendMessage } from '../src/messaging/send-message';
import type { ActivityDeps } from './deps';

export function createMessagingActivities(
  deps: Pick<ActivityDeps, 'db' | 'email' | 'emailFrom' | 'unsubscribe' | 'webhooks' | 'clock' | 'sends'>,
) {
  return { sendMessage: createSendMessage({ ...deps, clock: deps.clock ?? systemClock, observer: deps.sends }) };
}
