// The ingestion API: one event, or a batch of up to 1,000 with a result per item.
import express, { Router } from 'express';
import { eventBatchSchema, eventInputSchema } from '../ingestion/event-schema';
import type { Ingestion } from '../ingestion/ingestion';
import { requireScope } from './auth';
import { HttpError, zodIssues } from './errors';
import { parse } from './validate';

export function eventsRouter(ingestion: Ingestion): Router {
  const router = Router();

  router.post('/v1/events', requireScope('ingest'), express.json({ limit: '256kb' }), async (req, res) => {
    const result = await ingestion.ingest(parse(eventInputSchema, req.body));
    res.status(result.duplicate ? 200 : 202).json(result);
  });

  router.post('/v1/events/batch', requireScope('ingest'), express.json({ limit: '5mb' }), async (req, res) => {
    const { events } = parse(eventBatchSchema, req.body);
    const results = [];
    // In order, so a customer's events keep their sequence.
    for (const [index, raw] of events.entries()) {
      const parsed = eventInputSchema.safeParse(raw);
      if (!parsed.success) {
        results.push({ index, status: 400, errors: zodIssues(parsed.error, `$.events[${index}]`) });
        continue;
      }
      try {
        const r = await ingestion.ingest(parsed.data);
        results.push({ index, status: r.duplicate ? 200 : 202, ...r });
      } catch (err) {
        if (err instanceof HttpError) results.push({ index, status: err.status, error: err.message });
        else throw err;
      }
    }
    const accepted = results.filter((r) => r.status < 300).length;
    res.status(accepted === 0 ? 400 : 207).json({ accepted, rejected: results.length - accepted, results });
  });

  return router;
}
