// The console's one way to Kairos: the same /v1 routes every client uses, with the signed-in API
// key. Answers are typed from the route table (src/contracts/routes), so a change to a route's
// schema shows up here at compile time; nothing is copied by hand.
import type { z } from 'zod';
import type { RouteSpec } from '../../../src/contracts/route';

/** RFC 9457 problem details, as every API error is answered. */
export interface Problem {
  title: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
  requiredScope?: string;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

/** What a route answers with `status` (200 unless said), as the client receives it: its schema's input (ISO dates). */
export type Answer<R extends RouteSpec, S extends keyof R['responses'] = 200> = R['responses'][S] extends {
  schema: infer Z extends z.ZodType;
}
  ? z.input<Z>
  : never;

/** What a route takes as its body. */
export type Body<R extends RouteSpec> = R['body'] extends z.ZodType ? z.input<R['body']> : never;

/**
 * Calls one route of the table. The answer is trusted to match the route's schema: the API's tests
 * check every answer against it (src/api/mount-routes.ts), so the console carries no validator.
 */
export async function call<R extends RouteSpec>(
  key: string,
  route: R,
  params: Record<string, string | number> = {},
  body?: Body<R>,
  query?: Record<string, string | undefined>,
): Promise<Answer<R>> {
  const search = new URLSearchParams(
    Object.entries(query ?? {}).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
  ).toString();
  const res = await fetch(pathOf(route.path, params) + (search ? `?${search}` : ''), {
    method: route.method.toUpperCase(),
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new ApiError(isProblem(json) ? json : { title: res.statusText, status: res.status });
  return json as Answer<R>;
}

/**
 * Sends `body` as it is, typed `contentType` (an import's file, streamed by the browser), and reads
 * the answer of `status`: for routes that take more than JSON or answer other than 200.
 */
export async function send<R extends RouteSpec, S extends keyof R['responses']>(
  key: string,
  route: R,
  params: Record<string, string | number>,
  body: BodyInit,
  contentType: string,
  status: S,
): Promise<Answer<R, S>> {
  const res = await fetch(pathOf(route.path, params), {
    method: route.method.toUpperCase(),
    headers: { authorization: `Bearer ${key}`, 'content-type': contentType },
    body,
  });
  const json: unknown = await res.json().catch(() => undefined);
  if (res.status !== status) throw new ApiError(isProblem(json) ? json : { title: res.statusText, status: res.status });
  return json as Answer<R, S>;
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'title' in value && 'status' in value;
}

/** `/v1/programs/:id` with `{ id: 'welcome' }` gives `/v1/programs/welcome`, each value URL-encoded. */
function pathOf(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(String(params[name])));
}
