// Bearer-key auth. Until scoped API keys exist, the bootstrap admin key opens every guarded route.
import { timingSafeEqual, createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from './errors';

export function requireKey(bootstrapKey: string | undefined): RequestHandler {
  const expected = bootstrapKey ? digest(bootstrapKey) : undefined;
  return (req, _res, next) => {
    const header = req.header('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token) return next(new HttpError(401, 'Unauthorized', 'Send an API key as "Authorization: Bearer <key>"'));
    // Compare digests so the comparison takes the same time whatever the key's length.
    if (!expected || !timingSafeEqual(digest(token), expected)) return next(new HttpError(401, 'Unauthorized', 'Unknown API key'));
    next();
  };
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
