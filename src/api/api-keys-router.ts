// The admin API for API keys: mint (the secret is shown once), list (never a digest), revoke; and
// the audit log, newest first: every admin change with its actor and before/after.
import type { AuditLog } from '../audit/audit-log';
import type { ApiKeyService } from '../auth/api-key-service';
import type { apiKeyRoutes, auditRoutes } from '../contracts/routes/admin';
import type { Handlers } from './mount-routes';

export function apiKeyHandlers(keys: ApiKeyService): Handlers<typeof apiKeyRoutes> {
  return {
    whoami: ({ principal }) => principal,
    create: ({ body, principal }) => keys.create(body, principal.keyId),
    list: () => keys.list(),
    revoke: ({ params, principal }) => keys.revoke(params.id, principal.keyId),
  };
}

export function auditHandlers(audit: AuditLog): Handlers<typeof auditRoutes> {
  return { list: ({ query }) => audit.list(query) };
}
