// The admin API for programs (drafts, versions, launch) and message templates.
import { Router } from 'express';
import type { Db } from '../db/prisma';
import { createProgramSchema, launchSchema, templateSchema, updateDraftSchema } from '../programs/program-schema';
import type { ProgramService } from '../programs/program-service';
import { NotFoundError } from './errors';
import { parse } from './validate';
import { z } from 'zod';

const versionParam = z.coerce.number().int().min(1);

export function programsRouter(deps: { programs: ProgramService; db: Db }): Router {
  const { programs, db } = deps;
  const router = Router();

  router.get('/v1/programs', async (_req, res) => {
    res.json(await programs.list());
  });
  router.post('/v1/programs', async (req, res) => {
    const body = parse(createProgramSchema, req.body);
    res.status(201).json(await programs.create(body.id, body.definition));
  });
  router.get('/v1/programs/:id', async (req, res) => {
    res.json(await programs.get(req.params.id));
  });
  router.put('/v1/programs/:id/draft', async (req, res) => {
    res.json(await programs.updateDraft(req.params.id, parse(updateDraftSchema, req.body).definition));
  });
  router.post('/v1/programs/:id/versions', async (req, res) => {
    const { programId, version } = await programs.publish(req.params.id);
    res.status(201).json({ programId, version });
  });
  router.get('/v1/programs/:id/versions/:version', async (req, res) => {
    res.json(await programs.version(req.params.id, parse(versionParam, req.params.version, '$.params.version')));
  });
  router.post('/v1/programs/:id/launch', async (req, res) => {
    res.json(await programs.launch(req.params.id, parse(launchSchema, req.body).version));
  });

  router.put('/v1/templates/:id', async (req, res) => {
    const body = parse(templateSchema, req.body);
    const id = parse(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'must be 1-64 letters, digits, "-" or "_"'), req.params.id, '$.params.id');
    const template = await db.template.upsert({ where: { id }, create: { id, ...body }, update: body });
    res.json(template);
  });
  router.get('/v1/templates/:id', async (req, res) => {
    const template = await db.template.findUnique({ where: { id: req.params.id } });
    if (!template) throw new NotFoundError(`template ${req.params.id}`);
    res.json(template);
  });

  return router;
}
