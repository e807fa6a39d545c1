// The admin API for experiments: start one on a live program, read results, promote, stop.
import { Router } from 'express';
import { promoteSchema, startExperimentSchema } from '../experiments/experiment-schema';
import type { ExperimentService } from '../experiments/experiment-service';
import { principalOf, requireScope } from './auth';
import { parse } from './validate';

export function experimentsRouter(deps: { experiments: ExperimentService }): Router {
  const { experiments } = deps;
  const router = Router();
  const admin = requireScope('admin');

  router.post('/v1/programs/:id/experiments', admin, async (req, res) => {
    res
      .status(201)
      .json(await experiments.start(req.params.id, parse(startExperimentSchema, req.body), principalOf(req).keyId));
  });
  router.get('/v1/programs/:id/experiments', admin, async (req, res) => {
    res.json(await experiments.list(req.params.id));
  });
  router.get('/v1/experiments/:id', admin, async (req, res) => {
    res.json(await experiments.get(req.params.id));
  });
  router.get('/v1/experiments/:id/results', admin, async (req, res) => {
    res.json(await experiments.results(req.params.id));
  });
  router.post('/v1/experiments/:id/promote', admin, async (req, res) => {
    res.json(await experiments.promote(req.params.id, parse(promoteSchema, req.body).variant, principalOf(req).keyId));
  });
  router.post('/v1/experiments/:id/stop', admin, async (req, res) => {
    res.json(await experiments.stop(req.params.id, principalOf(req).keyId));
  });

  return router;
}
