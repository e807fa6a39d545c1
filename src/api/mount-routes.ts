// Serves the route table (src/contracts/routes): for each entry its scope guard, its body reader,
// the parsing of params, query and body (400 naming the field, before any handler runs), and the
// handler's answer. Handlers are typed by their entry: what they receive, and what they return.
import express, {
  type ErrorRequestHandler,
  type Express,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { z } from 'zod';
import type { Principal } from '../auth/api-key-service';
import type { Scope } from '../contracts/scopes';
import { zodIssues } from '../contracts/issues';
import { problemStatuses, readsJson, type PathParams, type RouteSpec } from '../contracts/route';
import { principalOf, requireScope } from './auth';
import { toProblem } from './errors';
import { jsonBody, parse } from './validate';

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
type Params<R extends RouteSpec> = R['params'] extends z.ZodType
  ? z.output<R['params']>
  : Record<PathParams<R['path']>, string>;
type Body<R extends RouteSpec> = R['read'] extends 'raw' | 'stream' ? undefined : Out<R['body']>;

type HandlerInput<R extends RouteSpec> = {
  params: Params<R>;
  query: Out<R['query']>;
  body: Body<R>;
  principal: R['scope'] extends Scope ? Principal : undefined;
} & (R['http'] extends true ? { req: Request; res: Response } : unknown);

type Statuses<R extends RouteSpec> = keyof R['responses'] & number;
type AnswerBody<A> = A extends { schema: z.ZodType } ? z.output<A['schema']> : void;
type Replies<R extends RouteSpec> = {
  [S in Statuses<R>]: { status: S; body: AnswerBody<R['responses'][S]> };
}[Statuses<R>];
type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;

/**
 * What a handler returns: the body of its one success answer (a 204's nothing), or `{ status, body }`
 * when the route has several. Bodies are the output type of their schema (a Date where the wire has
 * an ISO string), so a handler cannot answer what the table does not declare.
 */
type HandlerResult<R extends RouteSpec> =
  true extends IsUnion<Statuses<R>> ? Replies<R> : AnswerBody<R['responses'][Statuses<R>]>;

type Handler<R extends RouteSpec> = (input: HandlerInput<R>) => Promise<HandlerResult<R>> | HandlerResult<R>;

/** One handler per entry of a group of the table. */
export type Handlers<G extends Record<string, RouteSpec>> = { [K in keyof G]: Handler<G[K]> };

export interface MountOptions {
  /** Runs before every scoped route, and before a 404 under /v1: authentication and rate limits. */
  authenticate: RequestHandler[];
  /**
   * Tests only: check every JSON answer against the schema its entry declares for its status, and
   * every problem against the statuses it declares; answer 500 (logged) when one does not match,
   * so the test that made the request fails.
   */
  checkResponses?: boolean;
}

interface Mounted {
  spec: RouteSpec;
  handler: (input: Record<string, unknown>) => unknown;
}

/** Pairs a group of the table with its handlers; TypeScript checks each handler against its entry. */
export function bind<G extends Record<string, RouteSpec>>(group: G, handlers: Handlers<G>): Mounted[] {
  return Object.entries(group).map(([name, spec]) => ({
    spec,
    handler: handlers[name] as unknown as Mounted['handler'],
  }));
}

export function mountRoutes(app: Express, routes: Mounted[], options: MountOptions): void {
  const publicRoutes = routes.filter((r) => r.spec.scope === 'public');
  const scoped = routes.filter((r) => r.spec.scope !== 'public');
  for (const route of publicRoutes) mount(app, route, [], options);
  // After the public routes (the webhook and unsubscribe live under /v1 too), so that every other
  // /v1 request, unknown ones included, needs a key before anything else is said about it.
  app.use('/v1', ...options.authenticate);
  for (const route of scoped) {
    if (!route.spec.path.startsWith('/v1/')) throw new Error(`${route.spec.path}: scoped routes live under /v1`);
    mount(app, route, [requireScope(route.spec.scope as Scope)], options);
  }
}

function mount(app: Express, { spec, handler }: Mounted, guards: RequestHandler[], options: MountOptions): void {
  const serve: RequestHandler = async (req, res) => {
    const input: Record<string, unknown> = {
      params: spec.params ? parse(spec.params, req.params, '$.params') : req.params,
      query: spec.query ? parse(spec.query, req.query, '$.query') : undefined,
      body: spec.body && (spec.read ?? 'json') === 'json' ? parse(spec.body, req.body) : undefined,
      principal: spec.scope === 'public' ? undefined : principalOf(req),
      ...(spec.http ? { req, res } : {}),
    };
    const result = await handler(input);
    if (res.headersSent) return;
    const several = Object.keys(spec.responses).length > 1;
    const { status, body } = several
      ? (result as { status: number; body: unknown })
      : { status: Number(Object.keys(spec.responses)[0]), body: result };
    if (options.checkResponses) checkAnswer(spec, status, body);
    if (body === undefined) res.status(status).end();
    else res.status(status).json(body);
  };
  // Inside the route, so it sees the route's own errors: express skips other routes while one is pending.
  const checks = options.checkResponses ? [checkProblem(spec)] : [];
  app[spec.method](spec.path, ...guards, ...bodyReader(spec), serve, ...checks);
}

/** Bodies are read after the scope guard, so a caller without the scope cannot make us parse megabytes. */
function bodyReader(spec: RouteSpec): RequestHandler[] {
  if (spec.read === 'stream') return [];
  if (spec.read === 'raw') return [express.raw({ type: 'application/json', limit: spec.bodyLimit ?? '5mb' })];
  return readsJson(spec) ? [jsonBody(spec.bodyLimit ?? '5mb')] : [];
}

function checkAnswer(spec: RouteSpec, status: number, body: unknown): void {
  const answer = spec.responses[status];
  const where = `${spec.method.toUpperCase()} ${spec.path} answered ${status}`;
  if (!answer) throw new Error(`${where}, a status its route does not declare`);
  if (!answer.schema) {
    if (body !== undefined) throw new Error(`${where} with a body its route does not declare`);
    return;
  }
  const result = answer.schema.safeParse(JSON.parse(JSON.stringify(body)));
  if (!result.success)
    throw new Error(
      `${where} with a body that does not match its schema: ` +
        zodIssues(result.error)
          .map((i) => `${i.path}: ${i.message}`)
          .join('; '),
    );
}

/** A problem (other than a 500) that the route's entry, and so its OpenAPI operation, does not name. */
function checkProblem(spec: RouteSpec): ErrorRequestHandler {
  const declared = problemStatuses(spec);
  return (err, _req, _res, next) => {
    const { status } = toProblem(err);
    if (status === 500 || declared.includes(status)) return next(err);
    next(
      new Error(`${spec.method.toUpperCase()} ${spec.path} answered ${status}, a problem its route does not declare`),
    );
  };
}
