// The drills' load: customers known by email, each with a few mixed events (a page view, the
// program's trigger, a cart view), posted in batches to POST /v1/events/batch by a client that
// behaves as a well-made one would: it retries a failed batch with the same event ids.
import type { ApiServer } from '../../integration/http';
import { TEST_ADMIN_KEY } from '../../helpers/world';
import { TRIGGER } from './drill-world';

export const EVENTS_PER_CUSTOMER = 3;

export interface DrillEvent {
  eventId: string;
  type: string;
  customer: { email: string };
  properties: Record<string, string | number>;
}

export const emailOf = (prefix: string, c: number) => `${prefix}-${c}@drill.test`;

/** Customer-major: a customer's events sit next to each other, so one batch keeps their order. */
export function drillEvents(prefix: string, customers: number): DrillEvent[] {
  return Array.from({ length: customers }, (_, c) => {
    const customer = { email: emailOf(prefix, c) };
    const events: DrillEvent[] = [
      { eventId: `${prefix}-${c}-view`, type: 'page_view', customer, properties: { path: `/p/${c % 17}` } },
      { eventId: `${prefix}-${c}-signup`, type: TRIGGER, customer, properties: { plan: c % 2 ? 'pro' : 'free' } },
      { eventId: `${prefix}-${c}-cart`, type: 'cart_view', customer, properties: { items: c % 5 } },
    ];
    return events;
  }).flat();
}

export interface LoadReport {
  /** Every HTTP status the API answered, with how often. */
  statuses: Record<number, number>;
  /** 503 answers that carried no Retry-After header. */
  unavailableWithoutRetryAfter: number;
  /** Items the API answered with a 4xx/5xx inside a 207 (none expected). */
  failedItems: number;
  /** Items acknowledged (202 stored, or 200 for an id stored by an earlier try). */
  acknowledged: number;
  /** Items first acknowledged with delivered: false (left to the outbox relay). */
  deferred: number;
  /** Items of batches still refused at `giveUpAt`. */
  unacknowledged: number;
}

/**
 * Posts the events in batches, `concurrency` batches in flight, retrying a batch until it is
 * acknowledged or `giveUpAt` (a time) has passed. `onBatch` runs after each acknowledged batch,
 * e.g. to break something mid-load.
 */
export async function runLoad(
  http: ApiServer,
  events: DrillEvent[],
  options: {
    batchSize: number;
    concurrency: number;
    giveUpAt?: number;
    onBatch?: (done: number, total: number) => Promise<void> | void;
  },
): Promise<LoadReport> {
  const report: LoadReport = {
    statuses: {},
    unavailableWithoutRetryAfter: 0,
    failedItems: 0,
    acknowledged: 0,
    deferred: 0,
    unacknowledged: 0,
  };
  const batches: DrillEvent[][] = [];
  for (let i = 0; i < events.length; i += options.batchSize) batches.push(events.slice(i, i + options.batchSize));
  let next = 0;
  let done = 0;
  const postUntilAcknowledged = async (batch: DrillEvent[]) => {
    for (;;) {
      const res = await post(http, batch).catch(() => undefined);
      const status = res?.status ?? 0; // 0: the connection failed
      report.statuses[status] = (report.statuses[status] ?? 0) + 1;
      if (res && status === 207) {
        for (const item of res.body.results as { status: number; delivered?: boolean }[]) {
          if (item.status >= 300) report.failedItems++;
          else report.acknowledged++;
          if (item.status === 202 && item.delivered === false) report.deferred++;
        }
        return true;
      }
      const retryAfter = Number(res?.retryAfter ?? NaN);
      if (status === 503 && Number.isNaN(retryAfter)) report.unavailableWithoutRetryAfter++;
      if (options.giveUpAt !== undefined && Date.now() >= options.giveUpAt) {
        report.unacknowledged += batch.length;
        return false;
      }
      // Honour Retry-After, capped at a second to keep the drill short.
      await new Promise((r) => setTimeout(r, Math.min(1000, Number.isNaN(retryAfter) ? 250 : retryAfter * 1000)));
    }
  };
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        if (await postUntilAcknowledged(batch)) await options.onBatch?.(++done, batches.length);
      }
    }),
  );
  return report;
}

async function post(http: ApiServer, events: DrillEvent[]) {
  const res = await fetch(`${http.url}/v1/events/batch`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  });
  const text = await res.text();
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: res.status === 207 ? JSON.parse(text) : undefined,
  };
}
