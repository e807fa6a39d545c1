// The API's OpenAPI 3.1 document, generated from the route table (src/contracts/routes), and its
// public pages: GET /openapi.json and GET /docs (Swagger UI served from node_modules, no CDN).
import { dirname, join } from 'node:path';
import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  zodToOpenAPIRegistry,
  type ResponseConfig,
} from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { identifySchema } from '../contracts/requests/customer-schema';
import { eventInputSchema } from '../contracts/requests/event-schema';
import { problemSchema } from '../contracts/response-parts';
import { pathParamNames, problemStatuses, type RouteSpec } from '../contracts/route';
import { ROUTE_LIST } from '../contracts/routes';
import type { publicRoutes } from '../contracts/routes/public';
import { jsonObject, MAX_JSON_DEPTH } from '../contracts/schema-parts';
import type { Handlers } from './mount-routes';

// A custom schema has no JSON Schema of its own; say what it takes. Metadata only: parsing is untouched.
for (const json of [jsonObject, identifySchema.shape.traits.unwrap()]) {
  zodToOpenAPIRegistry.add(json, {
    type: 'object',
    description:
      `Any JSON object: nesting at most ${MAX_JSON_DEPTH} levels, ` +
      `no NUL characters or unpaired surrogates in keys or strings, no "__proto__" key`,
  });
}

// The generator prints a regex's flags into the pattern (`...$/i`), which JSON Schema cannot
// express; spell the case-insensitive event type out instead.
zodToOpenAPIRegistry.add(eventInputSchema.shape.type, {
  pattern: '^[A-Za-z][A-Za-z0-9_.:-]{0,99}$',
  example: 'purchase',
});

const PROBLEMS: Record<number, string> = {
  400: 'Invalid request: malformed JSON or invalid fields',
  401: 'No API key, or an unknown or revoked one',
  403: 'The key lacks the scope this route needs',
  404: 'Not found',
  409: 'Conflict',
  413: 'The body is over the size limit',
  415: 'Unsupported media type',
  422: 'Invalid program definition',
  429: 'Over the per-key rate limit; wait for Retry-After seconds',
  502: 'The email provider refused',
  503: 'A dependency is unreachable; retry shortly',
};

const HEADERS: Record<number, ResponseConfig['headers']> = {
  401: { 'WWW-Authenticate': { schema: { type: 'string' } } },
  429: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
  503: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
};

/** `/v1/customers/:id` (express) as `/v1/customers/{id}` (OpenAPI). */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function register(registry: OpenAPIRegistry, route: RouteSpec): void {
  const params = pathParamNames(route.path);
  const responses: Record<string, ResponseConfig> = {};
  for (const [status, { description, schema, type }] of Object.entries(route.responses))
    responses[status] = {
      description,
      ...(schema || type ? { content: { [type ?? 'application/json']: { schema: schema ?? z.string() } } } : {}),
    };
  for (const status of problemStatuses(route)) {
    const problem = { 'application/problem+json': { schema: problemSchema } };
    const own = responses[status];
    // A status with its own answer too (a batch with no item accepted): both bodies are possible.
    responses[status] = own
      ? { ...own, content: { ...own.content, ...problem } }
      : { description: PROBLEMS[status] ?? 'Error', headers: HEADERS[status], content: problem };
  }
  const { scope } = route;
  registry.registerPath({
    method: route.method,
    path: openApiPath(route.path),
    summary: route.summary,
    description: [
      scope !== 'public' && `Needs an API key with the \`${scope}\` scope (or \`admin\`).`,
      route.description,
    ]
      .filter(Boolean)
      .join('\n\n'),
    tags: [route.tag],
    ...(scope !== 'public' ? { security: [{ apiKey: [scope] }], 'x-required-scope': scope } : { security: [] }),
    request: {
      query: route.query as z.ZodObject | undefined,
      params:
        route.params ?? (params.length ? z.object(Object.fromEntries(params.map((p) => [p, z.string()]))) : undefined),
      body: route.body
        ? {
            required: !route.bodyOptional,
            content: Object.fromEntries(
              (route.bodyTypes ?? ['application/json']).map((type) => [type, { schema: route.body! }]),
            ),
          }
        : undefined,
    },
    responses,
  });
}

export function buildOpenApiDocument() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key: `Authorization: Bearer kairos_…`. Scopes: `ingest`, `read`, `admin` (admin implies all).',
  });
  for (const route of ROUTE_LIST) register(registry, route);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Kairos API',
      version: '1',
      description: 'Customer events in, journeys out. Errors are RFC 9457 problem+json.',
    },
  });
}

// Its own script file, not inline, so the page also works under a strict Content-Security-Policy.
const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Kairos API</title><link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script></body>
</html>`;

// validatorUrl: null, or Swagger UI sends the spec's URL to validator.swagger.io for a badge.
const DOCS_INIT =
  `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', ` + `deepLinking: true, validatorUrl: null });`;

export function docsHandlers(): Pick<Handlers<typeof publicRoutes>, 'openapi' | 'docs'> {
  const document = buildOpenApiDocument();
  return {
    openapi: ({ res }) => void res.json(document),
    docs: ({ res }) => void res.type('html').send(DOCS_PAGE),
  };
}

/** The page's script and Swagger UI's assets: files, not API routes, so not in the table. */
export function docsAssets(): Router {
  const router = Router();
  router.get('/docs/init.js', (_req, res) => {
    res.type('js').send(DOCS_INIT);
  });
  // Swagger UI's assets ship inside the swagger-ui-dist package, so /docs needs no internet.
  // Only these two files: the package's own index.html would load the Petstore demo.
  const assets = dirname(require.resolve('swagger-ui-dist/package.json'));
  for (const file of ['swagger-ui.css', 'swagger-ui-bundle.js']) {
    router.get(`/docs/${file}`, (_req, res) => {
      res.sendFile(join(assets, file), { maxAge: '1d' });
    });
  }
  return router;
}
