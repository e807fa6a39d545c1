// Validation keeps what it parses: handlers read the typed result, never `req.body` raw. Bad input
// is a 400 naming the field (the shared schema parts: src/contracts/schema-parts.ts).
import { isUtf8 } from 'node:buffer';
import express, { type RequestHandler } from 'express';
import type { z } from 'zod';
import { zodIssues } from '../contracts/issues';
import { NUL } from '../contracts/schema-parts';
import { ValidationError } from './errors';

export function parse<S extends z.ZodType>(schema: S, value: unknown, root = '$'): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(zodIssues(result.error, root));
  return result.data;
}

/** express.json, refusing bytes that are not UTF-8 (body-parser would store U+FFFD in their place). */
export function jsonBody(limit: string): RequestHandler {
  return express.json({
    limit,
    verify: (_req, _res, buf, encoding) => {
      if (/^utf-?8$/i.test(encoding) && !isUtf8(buf))
        throw new ValidationError([{ path: '$', message: 'the body is not valid UTF-8' }]);
    },
  });
}

/** A path id or query value with NUL (`/v1/customers/%00`) would fail in PostgreSQL's hands; refuse it first. */
export const storableUrl: RequestHandler = (req, _res, next) => {
  if (!/%00/i.test(req.url)) return next();
  next(new ValidationError([{ path: /%00/i.test(req.path) ? '$.path' : '$.query', message: NUL }]));
};
