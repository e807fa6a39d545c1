// The API's permission scopes and the one rule that relates them: `admin` implies every scope.
import { z } from 'zod';

/** `ingest`: send events and identify customers; `read`: read profiles and journeys; `admin`: everything. */
export const SCOPES = ['ingest', 'read', 'admin'] as const;

export const scopeSchema = z.enum(SCOPES);

export type Scope = z.output<typeof scopeSchema>;

export function grants(held: readonly Scope[], needed: Scope): boolean {
  return held.includes('admin') || held.includes(needed);
}

/** Scopes read back from storage; anything unknown grants nothing (fail closed). */
export function knownScopes(values: readonly string[]): Scope[] {
  return values.filter((v): v is Scope => (SCOPES as readonly string[]).includes(v));
}
