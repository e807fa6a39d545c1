// What one route of the API is: method, path, scope, request schemas, answers and problems. The
// route table (src/contracts/routes/) is made of these; src/api/mount-routes.ts serves it and
// src/api/openapi.ts documents it, so the two cannot drift.
// Not ts-rest: its latest release (3.52) supports only zod 3 and express 4.
import type { z } from 'zod';
import type { Scope } from './scopes';

export type Method = 'get' | 'post' | 'put' | 'delete';

/** A success answer. JSON unless `type` says otherwise; without a schema it has no JSON body. */
export interface Answer {
  description: string;
  schema?: z.ZodType;
  type?: string;
}

export interface RouteSpec {
  method: Method;
  /** Express syntax (`:id`); the OpenAPI document spells it `{id}`. */
  path: string;
  /** `public`: not behind API keys (the route authenticates its caller another way, or needs none). */
  scope: Scope | 'public';
  tag: string;
  summary: string;
  description?: string;
  /** Path parameters; unset, each `:name` is a string. */
  params?: z.ZodObject;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The body may be left out. */
  bodyOptional?: boolean;
  /**
   * How the body is read: `json` (the default) parses it up to `bodyLimit`; `raw` keeps the bytes
   * (a signature covers them) and `stream` leaves the request unread (files of any size). For
   * those two, `body` only documents what is sent, and the handler reads `req` itself.
   */
  read?: 'json' | 'raw' | 'stream';
  bodyLimit?: string;
  /** The body's media types; JSON unless said otherwise. */
  bodyTypes?: string[];
  /** The handler reads the request or writes the answer itself (streams, raw bodies, headers, HTML). */
  http?: true;
  /** Success answers by status. A handler of a route with several returns `{ status, body }`. */
  responses: Record<number, Answer>;
  /** Route-specific problems; 401, 503 and, where they apply, 400, 403, 404, 413 and 429 are added. */
  errors?: number[];
}

/** Declares a route, keeping its literal types so handlers are checked against its schemas. */
export const route = <const R extends RouteSpec>(spec: R): R => spec;

/** The names of a path's parameters: `'/v1/programs/:id/versions/:version'` gives `'id' | 'version'`. */
export type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParams<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/**
 * Whether the route parses a JSON body: one it declares, or, on a scoped route, any body sent (so
 * malformed JSON is a 400 on every admin route).
 */
export const readsJson = (route: RouteSpec): boolean =>
  (route.read ?? 'json') === 'json' && (route.body !== undefined || route.scope !== 'public');

/** The names of a path's parameters, in order: `['id', 'version']`. */
export const pathParamNames = (path: string): string[] => [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);

/** The problems a route may answer: its own `errors`, and those its scope, input and path ids bring. */
export function problemStatuses(route: RouteSpec): number[] {
  const statuses = [
    401,
    503,
    ...(route.scope !== 'public' ? [403, 429] : []),
    ...(readsJson(route) || route.body || route.query || route.params ? [400] : []),
    ...(readsJson(route) || route.body ? [413] : []),
    ...(pathParamNames(route.path).length ? [404] : []),
    ...(route.errors ?? []),
  ];
  return [...new Set(statuses)].sort();
}
