// The ingestion API: one event, or a batch of up to 1,000 with a result per item, in item order.
import { zodIssues } from '../contracts/issues';
import type { eventRoutes } from '../contracts/routes/events';
import { type BatchItemResult } from '../contracts/routes/events';
import { runInLanes } from '../ingestion/customer-lanes';
import { eventInputSchema } from '../contracts/requests/event-schema';
import type { Ingestion, IngestResult } from '../ingestion/ingestion';
import type { ApiMetrics, IngestOutcome } from '../metrics/api-metrics';
import { toProblem } from './errors';
import type { Handlers } from './mount-routes';

/** Items of one batch in flight at once; the API's database pool is 10 connections by default. */
const BATCH_CONCURRENCY = 8;

const outcomeOf = (r: IngestResult): IngestOutcome =>
  r.duplicate ? 'duplicate' : r.unreferenced ? 'unreferenced' : r.delivered ? 'signalled' : 'relayed';

export function eventHandlers(ingestion: Ingestion, metrics: Pick<ApiMetrics, 'event'>): Handlers<typeof eventRoutes> {
  return {
    ingest: async ({ body }) => {
      const result = await ingestion.ingest(body);
      metrics.event(outcomeOf(result));
      return result.duplicate ? { status: 200, body: result } : { status: 202, body: result };
    },

    ingestBatch: async ({ body: { events } }) => {
      const parsed = events.map((raw) => eventInputSchema.safeParse(raw));
      const results: BatchItemResult[] = new Array(events.length);
      // Events no program version in use references, of customers already known: stored together,
      // signalled to nobody (src/ingestion/unreferenced-batch.ts).
      const stored = await ingestion.ingestUnreferenced(
        parsed.flatMap((p, index) => (p.success ? [{ index, input: p.data }] : [])),
      );
      for (const [index, r] of stored) {
        results[index] = { index, status: r.duplicate ? 200 : 202, ...r };
        metrics.event(outcomeOf(r));
      }
      // The rest: different customers at once, each customer's events in batch order (src/ingestion/customer-lanes.ts).
      const lanes = await ingestion.lanes(parsed.map((p, index) => (stored.has(index) ? undefined : p.data?.customer)));
      await runInLanes(lanes, BATCH_CONCURRENCY, async (index) => {
        if (stored.has(index)) return;
        const item = parsed[index]!;
        if (!item.success) {
          results[index] = { index, status: 400, errors: zodIssues(item.error, `$.events[${index}]`) };
          return;
        }
        try {
          const r = await ingestion.ingest(item.data);
          results[index] = { index, status: r.duplicate ? 200 : 202, ...r };
          metrics.event(outcomeOf(r));
        } catch (err) {
          // An item the services refuse (a domain error: 4xx) is that item's result; a fault fails the batch.
          const problem = toProblem(err);
          if (problem.status >= 500) throw err;
          results[index] = { index, status: problem.status, error: problem.detail || problem.title };
        }
      });
      const accepted = results.filter((r) => r.status < 300).length;
      const body = { accepted, rejected: results.length - accepted, results };
      return accepted === 0 ? { status: 400, body } : { status: 207, body };
    },
  };
}
