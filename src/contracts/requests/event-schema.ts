// The ingestion API's event: one zod schema, with the types derived from it.
import { z } from 'zod';
import { jsonObject, plausibleTime } from '../schema-parts';
import { customerRefSchema } from './customer-schema';

export const eventInputSchema = z.strictObject({
  /** The client's idempotency key; generated when absent and returned. */
  eventId: z
    .string()
    .trim()
    .min(1)
    .max(128)
    .regex(/^[\w.:@/-]+$/, 'may hold letters, digits and . _ : @ / -')
    .optional(),
  type: z
    .string()
    .regex(/^[a-z][a-z0-9_.:-]{0,99}$/i, 'must start with a letter and hold letters, digits, _ . : - (at most 100)'),
  timestamp: z.iso.datetime({ offset: true }).check(plausibleTime).optional(),
  customer: customerRefSchema,
  properties: jsonObject.default({}),
});

export type EventInput = z.output<typeof eventInputSchema>;

export const eventBatchSchema = z.strictObject({ events: z.array(z.unknown()).min(1).max(1000) });
