// A zod failure as the field issues every error answer carries (src/core/errors.ts FieldIssue).
import type { ZodError } from 'zod';
import type { FieldIssue } from '../core/errors';

/** Zod issues as `$.a.b[0]`-style paths, prefixed with where the value came from (body, query). */
export function zodIssues(error: ZodError, root = '$'): FieldIssue[] {
  return error.issues.map((i) => ({
    path: i.path.reduce<string>((p, k) => (typeof k === 'number' ? `${p}[${k}]` : `${p}.${String(k)}`), root),
    message: i.message,
  }));
}
