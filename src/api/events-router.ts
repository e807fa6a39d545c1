// The ingestion API: one event, or a batch of up to 1,000 with a result per item, in item order.
import { Router } from 'express';
import { eventBatchSchema, eventInputSchema } from '../ingestion/event-schema';
import { runInLanes } from '../ingestion/customer-lanes';
import type { Ingestion } from '../ingestion/ingestion';
import { requireScope } from './auth';
import { zodIssues } from '../contracts/issues';
import { HttpError } from './errors';
import { jsonBody, parse } from './validate';

/** Items of one batch in flight at once; the API's database pool is 10 connections by default. */
const BATCH_CONCURRENCY = 8;

export function eventsRouter(ingestion: Ingestion): Router {
  const router = Router();

  router.post('/v1/events', requireScope('ingest'), jsonBody('256kb'), async (req, res) => {
    const result = await ingestion.ingest(parse(eventInputSchema, req.body));
    res.status(result.duplicate ? 200 : 202).json(result);
  });

  router.post('/v1/events/batch', requireScope('ingest'), jsonBody('5mb'), async (req, res) => {
    const { events } = parse(eventBatchSchema, req.body);
    const parsed = events.map((raw) => eventInputSchema.safeParse(raw));
    const results: Record<string, unknown>[] = new Array(events.length);
    // Events no program version in use references, of customers already known: stored together,
    // signalled to nobody (src/ingestion/unreferenced-batch.ts).
    const stored = await ingestion.ingestUnreferenced(
      parsed.flatMap((p, index) => (p.success ? [{ index, input: p.data }] : [])),
    );
    for (const [index, r] of stored) results[index] = { index, status: r.duplicate ? 200 : 202, ...r };
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
      } catch (err) {
        if (err instanceof HttpError) results[index] = { index, status: err.status, error: err.message };
        else throw err;
      }
    });
    const accepted = results.filter((r) => (r.status as number) < 300).length;
    res.status(accepted === 0 ? 400 : 207).json({ accepted, rejected: results.length - accepted, results });
  });

  return router;
}
