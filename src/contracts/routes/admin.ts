// API keys (the secret is shown once) and the audit log.
import { z } from 'zod';
import { scopeSchema } from '../scopes';
import { route } from '../route';
import { anyJson, instant } from '../response-parts';
import { storable } from '../schema-parts';

const newApiKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(100).check(storable),
  scopes: z
    .array(scopeSchema)
    .min(1)
    .refine((s) => new Set(s).size === s.length, 'must not repeat a scope'),
});
export type NewApiKey = z.output<typeof newApiKeySchema>;

const auditQuerySchema = z.strictObject({
  resource: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({
      description:
        'e.g. `program:welcome` (its versions, states, experiments and rollouts), ' +
        '`template:welcome`, `api-key:<id>`, `customer:<id>`',
    }),
  actor: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: 'an API key id, or a controller: `rollout:<id>`, `experiment:<id>`' }),
  /** Entries older than this id (the previous page's `nextBefore`). */
  before: z.coerce.bigint().positive().max(9_223_372_036_854_775_807n).optional().meta({ type: 'string' }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AuditQuery = z.output<typeof auditQuerySchema>;

const apiKey = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    scopes: z.array(scopeSchema),
    createdAt: instant,
    lastUsedAt: instant.nullable(),
    revokedAt: instant.nullable(),
  })
  .meta({ id: 'ApiKey' });

const auditPage = z
  .strictObject({
    entries: z.array(
      z.strictObject({
        id: z.string(),
        at: instant,
        actor: z.string(),
        action: z.string(),
        resource: z.string(),
        before: anyJson.nullable(),
        after: anyJson.nullable(),
      }),
    ),
    nextBefore: z.string().nullable().meta({ description: 'Pass as `before` for the next page' }),
  })
  .meta({ id: 'AuditPage' });

export const apiKeyRoutes = {
  whoami: route({
    method: 'get',
    path: '/v1/whoami',
    scope: 'read',
    tag: 'API keys',
    summary: 'The key making the request and its scopes (the console asks at sign-in)',
    responses: {
      200: {
        description: 'OK',
        schema: z
          .strictObject({ keyId: z.string(), scopes: z.array(scopeSchema) })
          .meta({ id: 'Principal', description: '`bootstrap` for KAIROS_BOOTSTRAP_KEY' }),
      },
    },
  }),
  create: route({
    method: 'post',
    path: '/v1/api-keys',
    scope: 'admin',
    tag: 'API keys',
    summary: 'Mint an API key; its secret is in this answer only',
    body: newApiKeySchema.meta({ id: 'NewApiKey' }),
    responses: {
      201: {
        description: 'Created',
        schema: apiKey
          .extend({ key: z.string().meta({ description: 'The secret: shown once, stored only as a digest' }) })
          .meta({ id: 'NewApiKeyAnswer' }),
      },
    },
  }),
  list: route({
    method: 'get',
    path: '/v1/api-keys',
    scope: 'admin',
    tag: 'API keys',
    summary: 'List API keys (never their secrets)',
    responses: { 200: { description: 'OK', schema: z.array(apiKey) } },
  }),
  revoke: route({
    method: 'delete',
    path: '/v1/api-keys/:id',
    scope: 'admin',
    tag: 'API keys',
    summary: 'Revoke an API key; it answers 401 from now on',
    responses: { 200: { description: 'Revoked (revoking again keeps the first time)', schema: apiKey } },
  }),
};

export const auditRoutes = {
  list: route({
    method: 'get',
    path: '/v1/audit',
    scope: 'read',
    tag: 'Audit',
    summary: 'The audit log, newest first: who changed what, before and after',
    query: auditQuerySchema,
    responses: { 200: { description: 'OK', schema: auditPage } },
    errors: [400],
  }),
};
