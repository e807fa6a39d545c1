// Staged rollouts of a new version: start, read with guardrail evaluations, abort.
import { z } from 'zod';
import { startRolloutSchema } from '../requests/rollout-schema';
import { route } from '../route';
import { anyJson, instant, oneOf } from '../response-parts';

const rollout = z
  .strictObject({
    id: z.string(),
    programId: z.string(),
    fromVersion: z.int(),
    toVersion: z.int(),
    plan: anyJson.meta({ description: 'The steps as started: percent and dwellMs' }),
    guardrails: anyJson.meta({ description: 'The guardrails as started' }),
    evaluationIntervalMs: z.int(),
    status: oneOf(['running', 'completed', 'rolled_back', 'aborted']),
    percent: z.int(),
    reason: z.string().nullable(),
    startedAt: instant,
    endedAt: instant.nullable(),
  })
  .meta({ id: 'Rollout' });

const rolloutDetail = rollout
  .extend({
    evaluations: z.array(
      z.strictObject({
        id: z.string(),
        rolloutId: z.string(),
        at: instant,
        percent: z.int(),
        metrics: anyJson.meta({ description: 'The rates compared, current version and new' }),
        breach: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'RolloutDetail' });

const ok = { 200: { description: 'OK', schema: rolloutDetail } } as const;

export const rolloutRoutes = {
  start: route({
    method: 'post',
    path: '/v1/programs/:id/rollouts',
    scope: 'admin',
    tag: 'Rollouts',
    summary: 'Ramp a new version through a plan, watched by guardrails, rolled back at the first breach',
    body: startRolloutSchema.meta({ id: 'StartRollout' }),
    responses: { 201: { description: 'Started', schema: rolloutDetail } },
    errors: [409, 422],
  }),
  list: route({
    method: 'get',
    path: '/v1/programs/:id/rollouts',
    scope: 'read',
    tag: 'Rollouts',
    summary: "A program's rollouts, newest first",
    responses: { 200: { description: 'OK', schema: z.array(rollout) } },
  }),
  get: route({
    method: 'get',
    path: '/v1/rollouts/:id',
    scope: 'read',
    tag: 'Rollouts',
    summary: 'One rollout with its guardrail evaluations',
    responses: ok,
  }),
  abort: route({
    method: 'post',
    path: '/v1/rollouts/:id/abort',
    scope: 'admin',
    tag: 'Rollouts',
    summary: 'Send new entrants back to the current version now',
    responses: ok,
  }),
};
