// A worker process's Prometheus metrics: messages by how their send ended, and provider calls that
// failed. Counted when this attempt settles the message row, so a retried activity that finds the
// row settled counts nothing again. The Temporal SDK's own metrics (task latencies, slots, sticky
// cache) come from its Runtime's exporter and are served beside these (src/metrics/metrics-server.ts).
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import type { SendObserver } from '../messaging/send-message';

export function createWorkerMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const messages = new Counter({
    name: 'kairos_messages_total',
    help:
      'Messages settled by this worker, by channel, status (sent, skipped, failed) and reason (a skip ' +
      'reason, a failure, or `unconfirmed` for a send in doubt counted as sent)',
    labelNames: ['channel', 'status', 'reason'] as const,
    registers: [registry],
  });
  const providerErrors = new Counter({
    name: 'kairos_provider_errors_total',
    help: 'Provider calls that failed and will be retried (`requeued`) or left in doubt, by channel',
    labelNames: ['channel', 'requeued'] as const,
    registers: [registry],
  });
  const sends: SendObserver = {
    settled: (channel, status, reason) => messages.inc({ channel, status, reason: reason ?? '' }),
    providerError: (channel, requeued) => providerErrors.inc({ channel, requeued: String(requeued) }),
  };
  return { registry, sends };
}
