// Validation keeps what it parses: handlers read the typed result, never `req.body` raw.
import type { z } from 'zod';
import { ValidationError, zodIssues } from './errors';

export function parse<S extends z.ZodType>(schema: S, value: unknown, root = '$'): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(zodIssues(result.error, root));
  return result.data;
}
