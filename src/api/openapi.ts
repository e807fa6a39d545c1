// The API's OpenAPI 3.1 document, generated from the zod schemas the routes parse with, and its
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
import { newApiKeySchema } from '../auth/api-key-service';
import { scopeSchema, type Scope } from '../auth/scopes';
import { identifySchema } from '../customers/customer-schema';
import { eventBatchSchema, eventInputSchema } from '../ingestion/event-schema';
import { IMPORT_KINDS } from '../imports/import-schemas';
import { UNSUBSCRIBE_PATH } from '../messaging/unsubscribe';
import { createProgramSchema, launchSchema, templateSchema, updateDraftSchema } from '../programs/program-schema';
import { customerLookupQuerySchema } from './customers-router';
import { ADMIN_ROUTES, publishBody } from './openapi-admin-routes';
import { sendGridBatchSchema } from '../webhooks/sendgrid-events';
import { previewSchema, testSendSchema } from './templates-router';
import { SENDGRID_WEBHOOK_PATH } from '../webhooks/sendgrid-webhook-router';
import { jsonObject, MAX_JSON_DEPTH } from '../contracts/schema-parts';

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

/** Doc-only shapes of answers; requests use the very schemas the handlers parse with. */
const schemas = {
  EventInput: eventInputSchema.meta({ id: 'EventInput' }),
  EventBatch: eventBatchSchema.meta({
    id: 'EventBatch',
    description: 'Each item is an EventInput, validated on its own.',
  }),
  Identify: identifySchema.meta({ id: 'Identify' }),
  CreateProgram: createProgramSchema.meta({
    id: 'CreateProgram',
    description:
      'The definition is a draft in the program language (docs/ARCHITECTURE.md), validated in full on publish.',
  }),
  UpdateDraft: updateDraftSchema.meta({ id: 'UpdateDraft' }),
  Launch: launchSchema.meta({ id: 'Launch' }),
  Template: templateSchema.meta({ id: 'TemplateInput' }),
  NewApiKey: newApiKeySchema.meta({ id: 'NewApiKey' }),
  Problem: z
    .object({
      title: z.string(),
      status: z.int(),
      detail: z.string().optional(),
      errors: z
        .array(z.object({ path: z.string(), message: z.string() }))
        .optional()
        .meta({ description: 'One entry per invalid field, at its JSON path' }),
      requiredScope: scopeSchema.optional().meta({ description: 'On 403: the scope the route needs' }),
    })
    .meta({ id: 'Problem', description: 'RFC 9457 problem details' }),
  IngestResult: z
    .object({
      eventId: z.string(),
      customerId: z.string(),
      duplicate: z.boolean(),
      delivered: z.boolean().meta({
        description:
          "Signalled to the customer's workflow, or nothing to signal (`unreferenced`); false: the outbox relay will",
      }),
      unreferenced: z
        .literal(true)
        .optional()
        .meta({
          description:
            'No program version in use references the type: stored (profile, traits, segments see it), ' +
            'signalled to no workflow',
        }),
    })
    .meta({ id: 'IngestResult' }),
  BatchResult: z
    .object({
      accepted: z.int(),
      rejected: z.int(),
      results: z.array(
        z.looseObject({
          index: z.int(),
          status: z.int(),
          eventId: z.string().optional(),
          error: z.string().optional(),
        }),
      ),
    })
    .meta({ id: 'BatchResult', description: 'One result per item, in order; items fail on their own.' }),
  CustomerId: z.object({ customerId: z.string() }).meta({ id: 'CustomerId' }),
  Customer: z
    .looseObject({
      id: z.string(),
      traits: z.record(z.string(), z.unknown()),
      tags: z.array(z.string()),
      timezone: z.string().nullable(),
      identifiers: z.array(z.object({ kind: z.string(), value: z.string() })),
      events: z.array(z.looseObject({})),
    })
    .meta({ id: 'Customer', description: 'The profile, its identifiers and its 20 latest events' }),
  JourneyState: z
    .looseObject({ customerId: z.string(), enrollments: z.array(z.looseObject({})), nextWakeAt: z.string().nullable() })
    .meta({ id: 'JourneyState' }),
  Program: z
    .looseObject({ id: z.string(), name: z.string(), status: z.string(), liveVersion: z.int().nullable() })
    .meta({ id: 'Program' }),
  ProgramVersion: z
    .looseObject({ programId: z.string(), version: z.int(), definition: z.looseObject({}) })
    .meta({ id: 'ProgramVersion' }),
  Published: z.object({ programId: z.string(), version: z.int(), unchanged: z.boolean() }).meta({ id: 'Published' }),
  TemplateOut: z
    .looseObject({
      id: z.string(),
      channel: z.string(),
      subject: z.string(),
      body: z.string(),
      version: z.int().nullable(),
    })
    .meta({ id: 'Template' }),
  TemplateVersion: z
    .looseObject({
      templateId: z.string(),
      version: z.int(),
      subject: z.string(),
      body: z.string(),
      createdAt: z.iso.datetime(),
    })
    .meta({ id: 'TemplateVersion' }),
  Preview: previewSchema.meta({ id: 'TemplatePreviewInput' }),
  TestSend: testSendSchema.meta({ id: 'TemplateTestSendInput' }),
  Rendered: z
    .object({ subject: z.string(), html: z.string(), version: z.int().nullable() })
    .meta({ id: 'RenderedTemplate' }),
  ImportReport: z
    .object({
      id: z.string(),
      kind: z.enum(IMPORT_KINDS),
      format: z.enum(['csv', 'ndjson']),
      status: z.enum(['running', 'completed', 'failed']),
      rowsOk: z.int(),
      rowsFailed: z.int(),
      errors: z
        .array(z.object({ row: z.int(), path: z.string(), message: z.string() }))
        .meta({ description: 'The first 1,000 row errors; a stop reason, if any, comes last' }),
      startedAt: z.iso.datetime(),
      finishedAt: z.iso.datetime().nullable(),
    })
    .meta({ id: 'ImportReport' }),
  ApiKey: z
    .object({
      id: z.string(),
      name: z.string(),
      scopes: z.array(scopeSchema),
      createdAt: z.iso.datetime(),
      lastUsedAt: z.iso.datetime().nullable(),
      revokedAt: z.iso.datetime().nullable(),
    })
    .meta({ id: 'ApiKey' }),
} as const;

export interface ApiRoute {
  method: 'get' | 'post' | 'put' | 'delete';
  /** As the router declares it (`:id`), so tests can match documented routes to served ones. */
  path: string;
  /** Absent: not behind API keys (the route authenticates its caller another way). */
  scope?: Scope;
  tag: string;
  summary: string;
  description?: string;
  body?: z.ZodType;
  /** The body may be left out. */
  bodyOptional?: boolean;
  /** The body's media types; JSON unless said otherwise. */
  bodyTypes?: string[];
  query?: z.ZodObject;
  /** Answers other than problems; JSON unless `type` says otherwise. */
  responses: Record<number, { description: string; schema?: z.ZodType; type?: string }>;
  /** Route-specific problems; 401, 403, 429, 503 (and 400, 413, 404 where they apply) are added. */
  errors?: number[];
}

const s = schemas;
const ok = (schema: z.ZodType, description = 'OK') => ({ 200: { description, schema } });

/** Every /v1 route the app serves; test/integration/auth.test.ts fails when one is missing. */
export const API_ROUTES: ApiRoute[] = [
  {
    method: 'post',
    path: '/v1/events',
    scope: 'ingest',
    tag: 'Events',
    summary: 'Ingest one event (body up to 256 kB)',
    body: s.EventInput,
    description:
      'Stored before it is acknowledged. A known `eventId` answers 200 with the original result. ' +
      'An event whose type no program version in use references is stored and ' +
      'signalled to no workflow (`unreferenced: true`).',
    responses: {
      202: { description: 'Stored, and delivered or queued for delivery', schema: s.IngestResult },
      ...ok(s.IngestResult, 'Duplicate: nothing new happened'),
    },
  },
  {
    method: 'post',
    path: '/v1/events/batch',
    scope: 'ingest',
    tag: 'Events',
    summary: 'Ingest up to 1,000 events in order (body up to 5 MB)',
    body: s.EventBatch,
    responses: { 207: { description: 'At least one item accepted; a result per item', schema: s.BatchResult } },
    description: 'When no item is accepted the answer is 400 with the same per-item body (application/json).',
  },
  {
    method: 'post',
    path: '/v1/customers/identify',
    scope: 'ingest',
    tag: 'Customers',
    summary: 'Identify a customer: identifiers, traits, time zone',
    body: s.Identify,
    responses: ok(s.CustomerId),
  },
  {
    method: 'get',
    path: '/v1/customers',
    scope: 'read',
    tag: 'Customers',
    summary: 'Find a customer by email, loyalty card or anonymous id',
    query: customerLookupQuerySchema,
    description:
      'Exactly one of `email` (any case), `loyaltyId`, `anonymousId`. ' +
      'The answer is the profile `GET /v1/customers/{id}` gives; 404 when nobody holds the identifier.',
    responses: ok(s.Customer),
    errors: [400, 404],
  },
  {
    method: 'get',
    path: '/v1/customers/:id',
    scope: 'read',
    tag: 'Customers',
    summary: 'A customer profile',
    responses: ok(s.Customer),
  },
  {
    method: 'delete',
    path: '/v1/customers/:id',
    scope: 'admin',
    tag: 'Customers',
    summary: 'Erase a customer (GDPR): profile, identifiers, events, journey',
    responses: { 204: { description: 'Erased' } },
  },
  {
    method: 'get',
    path: '/v1/customers/:id/trace',
    scope: 'read',
    tag: 'Customers',
    summary: "A customer's timeline: events, timers, entry decisions, steps, messages",
    responses: ok(z.looseObject({}).meta({ id: 'Trace' })),
  },
  {
    method: 'get',
    path: '/v1/customers/:id/journey',
    scope: 'read',
    tag: 'Customers',
    summary: "A customer's journey state: enrollments, steps, next wake-up",
    responses: ok(s.JourneyState),
  },
  {
    method: 'get',
    path: '/v1/programs',
    scope: 'admin',
    tag: 'Programs',
    summary: 'List programs',
    responses: ok(z.array(s.Program)),
  },
  {
    method: 'post',
    path: '/v1/programs',
    scope: 'admin',
    tag: 'Programs',
    summary: 'Create a program with a draft',
    body: s.CreateProgram,
    responses: { 201: { description: 'Created', schema: s.Program } },
    errors: [409],
  },
  {
    method: 'get',
    path: '/v1/programs/:id',
    scope: 'admin',
    tag: 'Programs',
    summary: 'A program and its versions',
    responses: ok(s.Program),
  },
  {
    method: 'put',
    path: '/v1/programs/:id/draft',
    scope: 'admin',
    tag: 'Programs',
    summary: "Replace a program's draft",
    body: s.UpdateDraft,
    responses: ok(s.Program),
  },
  {
    method: 'post',
    path: '/v1/programs/:id/versions',
    scope: 'admin',
    tag: 'Programs',
    summary: 'Publish the draft as the next immutable version',
    body: publishBody,
    bodyOptional: true,
    description:
      'The body is optional: `migrate` is a step map that moves customers waiting on an older version onto this one ' +
      'at their next step, ' +
      'once this version is live. ' +
      'A draft identical to the latest version publishes nothing (200, `unchanged: true`).',
    responses: {
      201: { description: 'Published', schema: s.Published },
      200: { description: 'Unchanged: the latest version already is this draft', schema: s.Published },
    },
    errors: [422],
  },
  {
    method: 'get',
    path: '/v1/programs/:id/versions/:version',
    scope: 'admin',
    tag: 'Programs',
    summary: 'One published version',
    responses: ok(s.ProgramVersion),
    errors: [400],
  },
  {
    method: 'post',
    path: '/v1/programs/:id/launch',
    scope: 'admin',
    tag: 'Programs',
    summary: 'Make a version the one new entrants join',
    body: s.Launch,
    responses: ok(s.Program),
  },
  {
    method: 'put',
    path: '/v1/templates/:id',
    scope: 'admin',
    tag: 'Templates',
    summary: 'Save a message template as its next version (422 when its Liquid does not parse)',
    body: s.Template,
    responses: ok(s.TemplateOut),
    errors: [422],
  },
  {
    method: 'get',
    path: '/v1/templates/:id',
    scope: 'admin',
    tag: 'Templates',
    summary: 'A message template',
    responses: ok(s.TemplateOut),
  },
  {
    method: 'get',
    path: '/v1/templates/:id/versions',
    scope: 'admin',
    tag: 'Templates',
    summary: "A template's saved versions, newest first",
    responses: ok(z.array(s.TemplateVersion)),
  },
  {
    method: 'post',
    path: '/v1/templates/:id/preview',
    scope: 'admin',
    tag: 'Templates',
    summary: 'Render the template for a real customer',
    body: s.Preview,
    responses: ok(s.Rendered),
    errors: [422],
    description:
      'With their profile, traits and product recommendations; `event` stands in for the entry event. ' +
      '`unsubscribeUrl` renders as a placeholder link.',
  },
  {
    method: 'post',
    path: '/v1/templates/:id/test-send',
    scope: 'admin',
    tag: 'Templates',
    summary: 'Email the rendered template to an address, subject marked [Test]',
    body: s.TestSend,
    responses: ok(
      z.looseObject({
        to: z.string(),
        subject: z.string(),
        version: z.int().nullable(),
        providerMessageId: z.string().nullable(),
      }),
    ),
    errors: [422, 502],
  },
  {
    method: 'get',
    path: UNSUBSCRIBE_PATH,
    tag: 'Consent',
    summary: 'Unsubscribe confirmation page (?token=): a button that posts; it changes nothing itself',
    responses: { 200: { description: 'An HTML page' } },
    errors: [400],
    description:
      'Not behind API keys: the signed token from the List-Unsubscribe header is the authority. ' +
      'GET never unsubscribes, because mail scanners prefetch links.',
  },
  {
    method: 'post',
    path: UNSUBSCRIBE_PATH,
    tag: 'Consent',
    summary: 'One-click unsubscribe (RFC 8058, ?token=) from the group the token names',
    responses: { 200: { description: 'Unsubscribed (an HTML page)' } },
    errors: [400],
    description:
      'Not behind API keys: the signed token is the authority. Idempotent. ' +
      '400 when the token is malformed or its signature does not match.',
  },
  {
    method: 'post',
    path: '/v1/imports/:kind',
    scope: 'admin',
    tag: 'Imports',
    summary: `Import a CSV or NDJSON file of ${IMPORT_KINDS.join(', ')}`,
    body: z.string().meta({ description: 'The file, streamed: a CSV with a header row, or one JSON object per line' }),
    bodyTypes: ['text/csv', 'application/x-ndjson'],
    description:
      `\`kind\` is one of ${IMPORT_KINDS.map((k) => `\`${k}\``).join(', ')}. ` +
      `The answer comes once every row is in; bad rows are reported, not fatal. ` +
      `422 when the input breaks off (rows before it are imported).`,
    responses: { 201: { description: 'Imported; Location names the report', schema: s.ImportReport } },
    errors: [415, 422],
  },
  {
    method: 'get',
    path: '/v1/imports/:id',
    scope: 'admin',
    tag: 'Imports',
    summary: "An import's report, with progress while it runs",
    responses: ok(s.ImportReport),
  },
  {
    method: 'post',
    path: '/v1/api-keys',
    scope: 'admin',
    tag: 'API keys',
    summary: 'Mint an API key; its secret is in this answer only',
    body: s.NewApiKey,
    responses: {
      201: {
        description: 'Created',
        schema: s.ApiKey.extend({
          key: z.string().meta({ description: 'The secret: shown once, stored only as a digest' }),
        }),
      },
    },
  },
  {
    method: 'get',
    path: '/v1/api-keys',
    scope: 'admin',
    tag: 'API keys',
    summary: 'List API keys (never their secrets)',
    responses: ok(z.array(s.ApiKey)),
  },
  {
    method: 'post',
    path: SENDGRID_WEBHOOK_PATH,
    tag: 'Webhooks',
    summary: "SendGrid's signed Event Webhook (delivery, bounce, unsubscribe...)",
    body: sendGridBatchSchema.meta({ id: 'SendGridEventBatch' }),
    description:
      'Not behind API keys: SendGrid signs each batch (ECDSA over timestamp + raw body, ' +
      'headers `X-Twilio-Email-Event-Webhook-Signature` and `-Timestamp`). ' +
      '401 when the signature or its age is wrong; ' +
      '503 when no verification key is configured.',
    responses: ok(z.looseObject({}).meta({ id: 'WebhookResult' })),
  },
  ...ADMIN_ROUTES,
  {
    method: 'delete',
    path: '/v1/api-keys/:id',
    scope: 'admin',
    tag: 'API keys',
    summary: 'Revoke an API key; it answers 401 from now on',
    responses: ok(s.ApiKey, 'Revoked (revoking again keeps the first time)'),
  },
];

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
  503: 'A dependency is unreachable; retry shortly',
};

function problem(status: number): ResponseConfig {
  const headers: ResponseConfig['headers'] =
    status === 429 || status === 503
      ? { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } }
      : status === 401
        ? { 'WWW-Authenticate': { schema: { type: 'string' } } }
        : undefined;
  return {
    description: PROBLEMS[status] ?? 'Error',
    headers,
    content: { 'application/problem+json': { schema: schemas.Problem } },
  };
}

/** `/v1/customers/:id` (express) as `/v1/customers/{id}` (OpenAPI). */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function register(registry: OpenAPIRegistry, route: ApiRoute): void {
  const params = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
  const errors = [
    401,
    503,
    ...(route.scope ? [403, 429] : []),
    ...(route.body ? [400, 413] : []),
    ...(params.length ? [404] : []),
    ...(route.errors ?? []),
  ];
  const responses: Record<string, ResponseConfig> = {};
  for (const [status, r] of Object.entries(route.responses))
    responses[status] = {
      description: r.description,
      ...(r.schema ? { content: { [r.type ?? 'application/json']: { schema: r.schema } } } : {}),
    };
  for (const status of [...new Set(errors)].sort()) responses[status] ??= problem(status);
  registry.registerPath({
    method: route.method,
    path: openApiPath(route.path),
    summary: route.summary,
    description: [
      route.scope && `Needs an API key with the \`${route.scope}\` scope (or \`admin\`).`,
      route.description,
    ]
      .filter(Boolean)
      .join('\n\n'),
    tags: [route.tag],
    ...(route.scope ? { security: [{ apiKey: [route.scope] }], 'x-required-scope': route.scope } : { security: [] }),
    request: {
      query: route.query,
      params: params.length ? z.object(Object.fromEntries(params.map((p) => [p, z.string()]))) : undefined,
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
    description:
      'An API key: `Authorization: Bearer kairos_…`. ' + 'Scopes: `ingest`, `read`, `admin` (admin implies all).',
  });
  for (const route of API_ROUTES) register(registry, route);
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

export function openApiRouter(): Router {
  const router = Router();
  const document = buildOpenApiDocument();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(DOCS_PAGE);
  });
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
