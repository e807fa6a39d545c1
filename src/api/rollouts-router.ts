// The admin API for staged rollouts: start one, read it with its guardrail evaluations, abort it.
import { Router } from 'express';
import { startRolloutSchema } from '../rollouts/rollout-schema';
import type { RolloutService } from '../rollouts/rollout-service';
import { principalOf, requireScope } from './auth';
import { parse } from './validate';

export function rolloutsRouter(deps: { rollouts: RolloutService }): Router {
  const { rollouts } = deps;
  const router = Router();
  const admin = requireScope('admin');

  router.post('/v1/programs/:id/rollouts', admin, async (req, res) => {
    res
      .status(201)
      .json(await rollouts.start(req.params.id, parse(startRolloutSchema, req.body), principalOf(req).keyId));
  });
  router.get('/v1/programs/:id/rollouts', admin, async (req, res) => {
    res.json(await rollouts.list(req.params.id));
  });
  router.get('/v1/rollouts/:id', admin, async (req, res) => {
    res.json(await rollouts.get(req.params.id));
  });
  router.post('/v1/rollouts/:id/abort', admin, async (req, res) => {
    res.json(await rollouts.abort(req.params.id, principalOf(req).keyId));
  });

  return router;
}
