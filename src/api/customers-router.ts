// Customer profile routes: identify (traits, identifiers, time zone) and journey state.
import { Router } from 'express';
import { identifySchema } from '../customers/customer-schema';
import type { Identity } from '../customers/identity';
import type { Db } from '../db/prisma';
import type { CustomerClient } from '../temporal/customer-client';
import { buildTrace } from '../trace/build-trace';
import { principalOf, requireScope } from './auth';
import { eraseCustomer } from '../customers/erase';
import { NotFoundError } from './errors';
import { parse } from './validate';

export function customersRouter(deps: { db: Db; identity: Identity; customers: CustomerClient }): Router {
  const router = Router();

  router.post('/v1/customers/identify', requireScope('ingest'), async (req, res) => {
    const customerId = await deps.identity.identify(parse(identifySchema, req.body));
    res.json({ customerId });
  });

  router.get('/v1/customers/:id', requireScope('read'), async (req, res) => {
    const customer = await deps.db.customer.findUnique({
      where: { id: req.params.id },
      include: { identifiers: { select: { kind: true, value: true } }, events: { orderBy: { occurredAt: 'desc' }, take: 20 } },
    });
    if (!customer) throw new NotFoundError(`customer ${req.params.id}`);
    res.json(customer);
  });

  router.delete('/v1/customers/:id', requireScope('admin'), async (req, res) => {
    await eraseCustomer(deps.db, deps.customers, String(req.params.id), principalOf(req).keyId);
    res.status(204).end();
  });

  router.get('/v1/customers/:id/journey', requireScope('read'), async (req, res) => {
    const exists = await deps.db.customer.count({ where: { id: req.params.id } });
    if (!exists) throw new NotFoundError(`customer ${req.params.id}`);
    res.json(await deps.customers.journeyState(req.params.id));
  });

  // The customer's timeline: events, timers, activities, entry decisions, steps, messages, pending.
  router.get('/v1/customers/:id/trace', requireScope('read'), async (req, res) => {
    const trace = await buildTrace(deps, req.params.id);
    if (!trace) throw new NotFoundError(`customer ${req.params.id}`);
    res.json(trace);
  });

  return router;
}
