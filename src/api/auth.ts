// Who is calling and what they may do: `authenticate` turns a bearer key into a principal (401
// otherwise), `requireScope` guards a route (403 naming the scope it needs), and
// `rateLimitPerKey` caps each key's requests per minute (429).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { ApiKeyService, Principal } from '../auth/api-key-service';
import { grants, type Scope } from '../contracts/scopes';
import { HttpError } from './errors';

class UnauthorizedError extends HttpError {
  constructor(detail: string) {
    super(401, 'Unauthorized', detail);
  }
}

class ForbiddenError extends HttpError {
  constructor(needed: Scope) {
    super(403, 'Forbidden', `This route needs an API key with the "${needed}" scope`, { requiredScope: needed });
  }
}

// Keyed by the request object itself, so no global type augmentation of express is needed.
const principals = new WeakMap<IncomingMessage, Principal>();

/** The caller behind an authenticated request; only valid behind `authenticate`. */
export function principalOf(req: IncomingMessage): Principal {
  const principal = principals.get(req);
  if (!principal) throw new Error('principalOf called on a route that is not behind authenticate()');
  return principal;
}

export function authenticate(keys: Pick<ApiKeyService, 'verify'>): RequestHandler {
  return async (req, res, next) => {
    res.setHeader('WWW-Authenticate', 'Bearer realm="kairos"');
    const header = req.header('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token) return next(new UnauthorizedError('Send an API key as "Authorization: Bearer <key>"'));
    const result = await keys.verify(token);
    if (!result.ok)
      return next(
        new UnauthorizedError(result.reason === 'revoked' ? 'This API key has been revoked' : 'Unknown API key'),
      );
    res.removeHeader('WWW-Authenticate');
    principals.set(req, result.principal);
    next();
  };
}

/** Typed on node's request, not express's, so a guard placed first leaves route param inference alone. */
export type ScopeGuard = ((req: IncomingMessage, res: ServerResponse, next: NextFunction) => void) & {
  requiredScope: Scope;
};

/** A route's guard; tagged with its scope so tests can check every route declares one. */
export function requireScope(scope: Scope): ScopeGuard {
  const guard = (req: IncomingMessage, _res: ServerResponse, next: NextFunction) =>
    next(grants(principalOf(req).scopes, scope) ? undefined : new ForbiddenError(scope));
  return Object.assign(guard, { requiredScope: scope });
}

/**
 * A per-key budget, counted in this process's memory: with N API processes behind a balancer a
 * key gets up to N times the limit. Keyed by key id, not IP, so one noisy integration cannot
 * starve another behind the same NAT.
 */
export function rateLimitPerKey(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => principalOf(req).keyId,
    handler: (_req, _res, next) =>
      next(
        new HttpError(
          429,
          'Too many requests',
          `This API key may make ${perMinute} requests a minute; retry after the time in Retry-After`,
        ),
      ),
  });
}
