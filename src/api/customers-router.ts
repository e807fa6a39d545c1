// Customer profile routes: identify (traits, identifiers, time zone), look up, erase, and a
// customer's journey state and trace.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { customerRoutes } from '../contracts/routes/customers';
import { NotFoundError } from '../core/errors';
import { eraseCustomer } from '../customers/erase';
import type { Identity } from '../customers/identity';
import type { Db } from '../db/prisma';
import type { CustomerWorkflows } from '../customers/customer-workflows';
import { buildTrace } from '../trace/build-trace';
import { loadComputedTraits } from '../traits/trait-values';
import type { Handlers } from './mount-routes';

export function customerHandlers(deps: {
  db: Db;
  identity: Identity;
  customers: CustomerWorkflows;
}): Handlers<typeof customerRoutes> {
  /** The profile, its computed traits, its identifiers and its 20 latest events; null when no such customer. */
  const profile = async (id: string) => {
    const [customer, computedTraits] = await Promise.all([
      deps.db.customer.findUnique({
        where: { id },
        include: {
          identifiers: { select: { kind: true, value: true } },
          events: { orderBy: { occurredAt: 'desc' }, take: 20 },
        },
      }),
      loadComputedTraits(deps.db, id),
    ]);
    return customer && { ...customer, computedTraits };
  };

  return {
    identify: async ({ body }) => ({ customerId: await deps.identity.identify(body) }),

    // Who holds this identifier (merges move identifiers to the survivor, erases delete them).
    lookup: async ({ query }) => {
      const [kind, value] = Object.entries(query).find(([, v]) => v !== undefined) as [string, string];
      const holder = await deps.db.customerIdentifier.findUnique({
        where: { kind_value: { kind, value } },
        select: { customerId: true },
      });
      const customer = holder && (await profile(holder.customerId));
      if (!customer) throw new NotFoundError(`customer with ${kind} ${value}`);
      return customer;
    },

    get: async ({ params }) => {
      const customer = await profile(params.id);
      if (!customer) throw new NotFoundError(`customer ${params.id}`);
      return customer;
    },

    erase: async ({ params, principal }) => {
      await eraseCustomer(deps.db, deps.customers, params.id, principal.keyId);
    },

    journey: async ({ params }) => {
      const exists = await deps.db.customer.count({ where: { id: params.id } });
      if (!exists) throw new NotFoundError(`customer ${params.id}`);
      try {
        return await deps.customers.journeyState(params.id);
      } catch (err) {
        // No workflow yet: only events no program uses (never signalled), or none at all.
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        return { customerId: params.id, enrollments: [], nextWakeAt: null, eventsSeen: 0, contactLog: [], run: null };
      }
    },

    // The customer's timeline: events, timers, activities, entry decisions, steps, messages, pending.
    trace: async ({ params }) => {
      const trace = await buildTrace(deps, params.id);
      if (!trace) throw new NotFoundError(`customer ${params.id}`);
      return trace;
    },
  };
}
