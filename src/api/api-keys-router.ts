// The admin API for API keys: mint (the secret is shown once), list (never a digest), revoke.
import { Router } from 'express';
import { newApiKeySchema, type ApiKeyService } from '../auth/api-key-service';
import { principalOf, requireScope } from './auth';
import { parse } from './validate';

export function apiKeysRouter(keys: ApiKeyService): Router {
  const router = Router();

  router.post('/v1/api-keys', requireScope('admin'), async (req, res) => {
    res.status(201).json(await keys.create(parse(newApiKeySchema, req.body), principalOf(req).keyId));
  });
  router.get('/v1/api-keys', requireScope('admin'), async (_req, res) => {
    res.json(await keys.list());
  });
  router.delete('/v1/api-keys/:id', requireScope('admin'), async (req, res) => {
    res.json(await keys.revoke(req.params.id, principalOf(req).keyId));
  });

  return router;
}
