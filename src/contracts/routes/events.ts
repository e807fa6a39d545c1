// Ingestion: one event, or a batch with a result per item. Each sets its own body limit.
import { z } from 'zod';
import { eventBatchSchema, eventInputSchema } from '../requests/event-schema';
import { route } from '../route';

const ingestResult = z
  .strictObject({
    eventId: z.string(),
    customerId: z.string(),
    duplicate: z.boolean(),
    delivered: z.boolean().meta({
      description:
        "Signalled to the customer's workflow, or nothing to signal (`unreferenced`); false: the outbox relay will",
    }),
    unreferenced: z
      .literal(true)
      .optional()
      .meta({
        description:
          'No program version in use references the type: stored (profile, traits, segments see it), ' +
          'signalled to no workflow',
      }),
  })
  .meta({ id: 'IngestResult' });

const batchItemResult = z.strictObject({
  index: z.int(),
  status: z.int(),
  ...ingestResult.partial().shape,
  errors: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
  error: z.string().optional(),
});

const batchResult = z
  .strictObject({ accepted: z.int(), rejected: z.int(), results: z.array(batchItemResult) })
  .meta({ id: 'BatchResult', description: 'One result per item, in order; items fail on their own.' });

export type BatchItemResult = z.output<typeof batchItemResult>;

export const eventRoutes = {
  ingest: route({
    method: 'post',
    path: '/v1/events',
    scope: 'ingest',
    tag: 'Events',
    summary: 'Ingest one event (body up to 256 kB)',
    description:
      'Stored before it is acknowledged. A known `eventId` answers 200 with the original result. ' +
      'An event whose type no program version in use references is stored and ' +
      'signalled to no workflow (`unreferenced: true`).',
    body: eventInputSchema.meta({ id: 'EventInput' }),
    bodyLimit: '256kb',
    responses: {
      202: { description: 'Stored, and delivered or queued for delivery', schema: ingestResult },
      200: { description: 'Duplicate: nothing new happened', schema: ingestResult },
    },
  }),
  ingestBatch: route({
    method: 'post',
    path: '/v1/events/batch',
    scope: 'ingest',
    tag: 'Events',
    summary: 'Ingest up to 1,000 events in order (body up to 5 MB)',
    body: eventBatchSchema.meta({ id: 'EventBatch', description: 'Each item is an EventInput, validated on its own.' }),
    bodyLimit: '5mb',
    responses: {
      207: { description: 'At least one item accepted; a result per item', schema: batchResult },
      400: { description: 'No item accepted: the same per-item body', schema: batchResult },
    },
  }),
};
