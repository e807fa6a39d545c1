// Customer profiles: identify, look up by identifier, read, erase, and a customer's journey and trace.
import { z } from 'zod';
import { customerRefSchema, identifySchema } from '../requests/customer-schema';
import { route } from '../route';
import { anyJson, instant } from '../response-parts';
import { computedTraitsSchema, journeyStateSchema, traceSchema } from './customer-views';

const { email, loyaltyId, anonymousId } = customerRefSchema.shape;

/** Exactly one identifier, checked as identify checks it. */
const lookupQuery = z
  .strictObject({ email, loyaltyId, anonymousId })
  .refine(
    (q) => [q.email, q.loyaltyId, q.anonymousId].filter((v) => v !== undefined).length === 1,
    'give exactly one of email, loyaltyId, anonymousId',
  );

const storedEvent = z.strictObject({
  id: z.string(),
  customerId: z.string(),
  type: z.string(),
  occurredAt: instant,
  properties: anyJson,
  receivedAt: instant,
  deliveredAt: instant.nullable().meta({ description: "Signalled to the customer's workflow (or unreferenced)" }),
  attempts: z.int(),
  nextAttemptAt: instant,
  lastError: z.string().nullable(),
  unreferenced: z.boolean(),
});

const profile = z
  .strictObject({
    id: z.string(),
    traits: anyJson,
    computedTraits: computedTraitsSchema,
    tags: z.array(z.string()),
    timezone: z.string().nullable(),
    mergedInto: z.string().nullable().meta({ description: 'Set when this customer turned out to be another one' }),
    createdAt: instant,
    updatedAt: instant,
    identifiers: z.array(z.strictObject({ kind: z.string(), value: z.string() })),
    events: z.array(storedEvent).meta({ description: 'The 20 latest, newest first' }),
  })
  .meta({ id: 'Customer', description: 'The profile, its identifiers and its 20 latest events' });

export const customerRoutes = {
  identify: route({
    method: 'post',
    path: '/v1/customers/identify',
    scope: 'ingest',
    tag: 'Customers',
    summary: 'Identify a customer: identifiers, traits, time zone',
    body: identifySchema.meta({ id: 'Identify' }),
    responses: { 200: { description: 'OK', schema: z.strictObject({ customerId: z.string() }) } },
  }),
  lookup: route({
    method: 'get',
    path: '/v1/customers',
    scope: 'read',
    tag: 'Customers',
    summary: 'Find a customer by email, loyalty card or anonymous id',
    description:
      'Exactly one of `email` (any case), `loyaltyId`, `anonymousId`. ' +
      'The answer is the profile `GET /v1/customers/{id}` gives; 404 when nobody holds the identifier.',
    query: lookupQuery,
    responses: { 200: { description: 'OK', schema: profile } },
    errors: [400, 404],
  }),
  get: route({
    method: 'get',
    path: '/v1/customers/:id',
    scope: 'read',
    tag: 'Customers',
    summary: 'A customer profile',
    responses: { 200: { description: 'OK', schema: profile } },
  }),
  erase: route({
    method: 'delete',
    path: '/v1/customers/:id',
    scope: 'admin',
    tag: 'Customers',
    summary: 'Erase a customer (GDPR): profile, identifiers, events, journey',
    responses: { 204: { description: 'Erased' } },
  }),
  trace: route({
    method: 'get',
    path: '/v1/customers/:id/trace',
    scope: 'read',
    tag: 'Customers',
    summary: "A customer's timeline: events, timers, entry decisions, steps, messages",
    responses: { 200: { description: 'OK', schema: traceSchema } },
  }),
  journey: route({
    method: 'get',
    path: '/v1/customers/:id/journey',
    scope: 'read',
    tag: 'Customers',
    summary: "A customer's journey state: enrollments, steps, next wake-up",
    responses: { 200: { description: 'OK', schema: journeyStateSchema } },
  }),
};
