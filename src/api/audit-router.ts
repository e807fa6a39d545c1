// The audit log, newest first: every admin change with its actor and before/after.
import { Router } from 'express';
import { auditQuerySchema, type AuditLog } from '../audit/audit-log';
import { requireScope } from './auth';
import { parse } from './validate';

export function auditRouter(deps: { audit: AuditLog }): Router {
  const router = Router();
  router.get('/v1/audit', requireScope('admin'), async (req, res) => {
    res.json(await deps.audit.list(parse(auditQuerySchema, req.query, '$.query')));
  });
  return router;
}
