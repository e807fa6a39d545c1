// Customer profile routes: identify (traits, identifiers, time zone), look up, and journey state.
import { WorkflowNotFoundError } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import { customerRefSchema, identifySchema } from '../customers/customer-schema';
import type { Identity } from '../customers/identity';
import type { Db } from '../db/prisma';
import type { CustomerWorkflows } from '../customers/customer-workflows';
import { buildTrace } from '../trace/build-trace';
import { principalOf, requireScope } from './auth';
import { eraseCustomer } from '../customers/erase';
import { NotFoundError } from '../core/errors';
import { parse } from './validate';

const { email, loyaltyId, anonymousId } = customerRefSchema.shape;

/**
 * `GET /v1/customers?email=…` (or `loyaltyId`, `anonymousId`): exactly one identifier, checked as identify checks
 * it.
 */
export const customerLookupQuerySchema = z
  .strictObject({ email, loyaltyId, anonymousId })
  .refine(
    (q) => [q.email, q.loyaltyId, q.anonymousId].filter((v) => v !== undefined).length === 1,
    'give exactly one of email, loyaltyId, anonymousId',
  );

export function customersRouter(deps: { db: Db; identity: Identity; customers: CustomerWorkflows }): Router {
  const router = Router();

  /** The profile, its identifiers and its 20 latest events; null when no such customer. */
  const profile = (id: string) =>
    deps.db.customer.findUnique({
      where: { id },
      include: {
        identifiers: { select: { kind: true, value: true } },
        events: { orderBy: { occurredAt: 'desc' }, take: 20 },
      },
    });

  router.post('/v1/customers/identify', requireScope('ingest'), async (req, res) => {
    const customerId = await deps.identity.identify(parse(identifySchema, req.body));
    res.json({ customerId });
  });

  // Who holds this identifier (merges move identifiers to the survivor, erases delete them).
  router.get('/v1/customers', requireScope('read'), async (req, res) => {
    const query = parse(customerLookupQuerySchema, req.query, '$.query');
    const [kind, value] = Object.entries(query).find(([, v]) => v !== undefined) as [string, string];
    const holder = await deps.db.customerIdentifier.findUnique({
      where: { kind_value: { kind, value } },
      select: { customerId: true },
    });
    const customer = holder && (await profile(holder.customerId));
    if (!customer) throw new NotFoundError(`customer with ${kind} ${value}`);
    res.json(customer);
  });

  router.get('/v1/customers/:id', requireScope('read'), async (req, res) => {
    const customer = await profile(req.params.id);
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
    try {
      res.json(await deps.customers.journeyState(req.params.id));
    } catch (err) {
      // No workflow yet: only events no program uses (never signalled), or none at all.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      res.json({
        customerId: req.params.id,
        enrollments: [],
        nextWakeAt: null,
        eventsSeen: 0,
        contactLog: [],
        run: null,
      });
    }
  });

  // The customer's timeline: events, timers, activities, entry decisions, steps, messages, pending.
  router.get('/v1/customers/:id/trace', requireScope('read'), async (req, res) => {
    const trace = await buildTrace(deps, req.params.id);
    if (!trace) throw new NotFoundError(`customer ${req.params.id}`);
    res.json(trace);
  });

  return router;
}
