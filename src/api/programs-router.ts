// The admin API for programs: drafts, versions and their diffs, launch, states, analytics.
// Templates: src/api/templates-router.ts. Experiments and rollouts: their own routers.
import { Router } from 'express';
import { z } from 'zod';
import { programAnalytics } from '../analytics/program-analytics';
import type { Db } from '../db/prisma';
import {
  createProgramSchema,
  launchSchema,
  publishSchema,
  updateDraftSchema,
  versionNumber,
} from '../programs/program-schema';
import type { ProgramService } from '../programs/program-service';
import { STATE_ACTIONS } from '../programs/program-states';
import { principalOf, requireScope } from './auth';
import { parse } from './validate';

const versionParam = z.coerce.number().pipe(versionNumber);
export const diffQuerySchema = z.strictObject({ from: versionParam, to: versionParam });

export function programsRouter(deps: { programs: ProgramService; db: Db }): Router {
  const { programs } = deps;
  const router = Router();
  const admin = requireScope('admin');

  router.get('/v1/programs', admin, async (_req, res) => {
    res.json(await programs.list());
  });
  router.post('/v1/programs', admin, async (req, res) => {
    const body = parse(createProgramSchema, req.body);
    res.status(201).json(await programs.create(body.id, body.definition, principalOf(req).keyId));
  });
  router.get('/v1/programs/:id', admin, async (req, res) => {
    res.json(await programs.get(req.params.id));
  });
  router.put('/v1/programs/:id/draft', admin, async (req, res) => {
    res.json(
      await programs.updateDraft(req.params.id, parse(updateDraftSchema, req.body).definition, principalOf(req).keyId),
    );
  });
  router.get('/v1/programs/:id/versions', admin, async (req, res) => {
    res.json(await programs.versions(req.params.id));
  });
  router.post('/v1/programs/:id/versions', admin, async (req, res) => {
    const { migrate } = parse(publishSchema, req.body);
    const published = await programs.publish(req.params.id, principalOf(req).keyId, migrate);
    res.status(published.unchanged ? 200 : 201).json(published);
  });
  router.get('/v1/programs/:id/versions/:version', admin, async (req, res) => {
    res.json(await programs.version(req.params.id, parse(versionParam, req.params.version, '$.params.version')));
  });
  router.get('/v1/programs/:id/diff', admin, async (req, res) => {
    const { from, to } = parse(diffQuerySchema, req.query, '$.query');
    res.json(await programs.diff(req.params.id, from, to));
  });
  router.post('/v1/programs/:id/launch', admin, async (req, res) => {
    res.json(await programs.launch(req.params.id, parse(launchSchema, req.body).version, principalOf(req).keyId));
  });
  for (const action of STATE_ACTIONS) {
    router.post(`/v1/programs/:id/${action}`, admin, async (req, res) => {
      res.json(await programs.changeState(req.params.id, action, principalOf(req).keyId));
    });
  }
  router.get('/v1/programs/:id/analytics', admin, async (req, res) => {
    await programs.get(req.params.id);
    res.json(await programAnalytics(deps.db, req.params.id));
  });

  return router;
}
