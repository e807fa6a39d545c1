// The admin API for programs: drafts, versions, launch. Templates: src/templates/templates-router.ts.
import { Router } from 'express';
import { createProgramSchema, launchSchema, updateDraftSchema } from '../programs/program-schema';
import type { ProgramService } from '../programs/program-service';
import { requireScope } from './auth';
import { parse } from './validate';
import { z } from 'zod';

const versionParam = z.coerce.number().int().min(1);

export function programsRouter(deps: { programs: ProgramService }): Router {
  const { programs } = deps;
  const router = Router();

  router.get('/v1/programs', requireScope('admin'), async (_req, res) => {
    res.json(await programs.list());
  });
  router.post('/v1/programs', requireScope('admin'), async (req, res) => {
    const body = parse(createProgramSchema, req.body);
    res.status(201).json(await programs.create(body.id, body.definition));
  });
  router.get('/v1/programs/:id', requireScope('admin'), async (req, res) => {
    res.json(await programs.get(req.params.id));
  });
  router.put('/v1/programs/:id/draft', requireScope('admin'), async (req, res) => {
    res.json(await programs.updateDraft(req.params.id, parse(updateDraftSchema, req.body).definition));
  });
  router.post('/v1/programs/:id/versions', requireScope('admin'), async (req, res) => {
    const { programId, version } = await programs.publish(req.params.id);
    res.status(201).json({ programId, version });
  });
  router.get('/v1/programs/:id/versions/:version', requireScope('admin'), async (req, res) => {
    res.json(await programs.version(req.params.id, parse(versionParam, req.params.version, '$.params.version')));
  });
  router.post('/v1/programs/:id/launch', requireScope('admin'), async (req, res) => {
    res.json(await programs.launch(req.params.id, parse(launchSchema, req.body).version));
  });

  return router;
}
