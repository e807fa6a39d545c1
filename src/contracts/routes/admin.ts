// API keys (the secret is shown once) and the audit log.
import { z } from 'zod';
import { auditQuerySchema } from '../../audit/audit-log';
import { newApiKeySchema } from '../../auth/api-key-service';
import { scopeSchema } from '../../auth/scopes';
import { route } from '../route';
import { anyJson, instant } from '../response-parts';

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
    scope: 'admin',
    tag: 'Audit',
    summary: 'The audit log, newest first: who changed what, before and after',
    query: auditQuerySchema,
    responses: { 200: { description: 'OK', schema: auditPage } },
    errors: [400],
  }),
};
