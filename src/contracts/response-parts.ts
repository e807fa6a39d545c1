// The parts answers are built from. Each schema's input is the JSON a client receives and its
// output what a handler returns: an instant is an ISO string on the wire and a Date in the
// handler, which express's JSON serialisation turns into that string.
import { z } from 'zod';
import { scopeSchema } from './scopes';

export const instant = z.codec(z.iso.datetime(), z.date(), {
  decode: (s) => new Date(s),
  encode: (d) => d.toISOString(),
});

type Json = string | number | boolean | null | Json[] | { [key: string]: Json | undefined };

/** Stored JSON passed through as written (a draft, traits, an audit entry's before and after). */
export const anyJson = z
  .custom<Json>((v) => v !== undefined)
  .meta({
    description: 'Any JSON value',
    type: ['object', 'array', 'string', 'number', 'boolean', 'null'],
  });

/**
 * A stored status: a string column, so typed as one, but answers are checked (in tests) and
 * documented against the values it may take.
 */
export const oneOf = (values: readonly string[]) =>
  z
    .string()
    .refine((v) => values.includes(v), `must be one of ${values.join(', ')}`)
    .meta({ enum: [...values] });

export const problemSchema = z
  .object({
    title: z.string(),
    status: z.int(),
    detail: z.string().optional(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .meta({ description: 'One entry per invalid field, at its JSON path' }),
    requiredScope: scopeSchema.optional().meta({ description: 'On 403: the scope the route needs' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });
