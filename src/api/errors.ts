// HTTP errors, and the one middleware that turns every error (these, the domain's in
// src/core/errors.ts, body-parser's, a database outage) into RFC 9457 problem+json, so no handler
// needs try/catch and no stack trace reaches a client.
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import {
  ConflictError,
  InvalidError,
  NotFoundError,
  RejectedError,
  UnavailableError,
  type FieldIssue,
} from '../core/errors';

/** An answer only HTTP has words for (401, 415, a 400 about the request itself). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail?: string,
    readonly extras: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }
}

/** A request that does not match its schema: 400, naming each field and the reason. */
export class ValidationError extends HttpError {
  constructor(issues: FieldIssue[]) {
    super(400, 'Invalid request', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { errors: issues });
  }
}

export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const problem = toProblem(err);
    if (problem.status >= 500) logger.error({ err, path: req.path }, 'request failed');
    if (problem.status === 503) res.setHeader('Retry-After', '5');
    res.status(problem.status).type('application/problem+json').json(problem);
  };
}

/** The answer an error gets: its status, title and detail, and any extras (field issues, a scope). */
export function toProblem(err: unknown): { status: number; title: string; detail?: string; [k: string]: unknown } {
  if (err instanceof HttpError) return { status: err.status, title: err.title, detail: err.message, ...err.extras };
  if (err instanceof NotFoundError) return { status: 404, title: 'Not found', detail: err.message };
  if (err instanceof ConflictError) return { status: 409, title: 'Conflict', detail: err.message };
  if (err instanceof InvalidError)
    return { status: 422, title: err.title, detail: err.message, ...(err.issues.length ? { errors: err.issues } : {}) };
  if (err instanceof UnavailableError) return { status: 503, title: err.title, detail: err.message };
  if (err instanceof RejectedError) return { status: 502, title: err.title, detail: err.message };
  // body-parser's errors: malformed JSON (400) and oversized bodies (413).
  const e = err as { status?: number; type?: string; message?: string };
  if (e.type === 'entity.parse.failed')
    return { status: 400, title: 'Malformed JSON', detail: 'The request body is not valid JSON' };
  if (e.type === 'entity.too.large') return { status: 413, title: 'Payload too large', detail: e.message };
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500)
    return { status: e.status, title: e.message ?? 'Bad request' };
  if (isDatabaseUnavailable(err))
    return { status: 503, title: 'Service unavailable', detail: 'The database is unreachable; retry shortly' };
  return { status: 500, title: 'Internal error', detail: 'Something went wrong; it has been logged' };
}

function isDatabaseUnavailable(err: unknown): boolean {
  const text = `${(err as { code?: string }).code ?? ''} ${(err as Error).message ?? ''}`;
  // "not queryable": node-postgres, for a connection the server ended (a restart) mid-request.
  // "terminating connection": PostgreSQL's shutdown notice, which Prisma's adapter can pass on
  // without its code (57P01); "the database system is shutting down" (or starting up), its refusal
  // of a new connection meanwhile, likewise without its code (57P03).
  return new RegExp(
    'ECONNREFUSED|ECONNRESET|ETIMEDOUT|P1001|P1017|Connection terminated|DatabaseNotReachable|57P01|57P03|' +
      'not queryable|terminating connection|database system is',
  ).test(text);
}
