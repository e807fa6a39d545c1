// The OpenAPI entries of the marketer's admin routes beyond drafts and launch: version history
// and diffs, program states, analytics, experiments, rollouts and the audit log.
import { z } from 'zod';
import { auditQuerySchema } from '../audit/audit-log';
import { promoteSchema, startExperimentSchema } from '../experiments/experiment-schema';
import { publishSchema } from '../programs/program-schema';
import { STATE_ACTIONS } from '../programs/program-states';
import { startRolloutSchema } from '../rollouts/rollout-schema';
import type { ApiRoute } from './openapi';
import { diffQuerySchema } from './programs-router';

const Program = z
  .looseObject({
    id: z.string(),
    status: z.enum(['draft', 'live', 'paused', 'stopped', 'archived']),
    liveVersion: z.int().nullable(),
  })
  .meta({ id: 'ProgramState' });
const VersionSummary = z
  .looseObject({
    version: z.int(),
    createdAt: z.iso.datetime(),
    retiredAt: z.iso.datetime().nullable(),
    retiredReason: z.string().nullable(),
  })
  .meta({ id: 'VersionSummary' });
const Experiment = z
  .looseObject({
    id: z.string(),
    programId: z.string(),
    status: z.enum(['running', 'promoted', 'stopped']),
    winner: z.string().nullable(),
  })
  .meta({ id: 'Experiment' });
const Rollout = z
  .looseObject({
    id: z.string(),
    programId: z.string(),
    status: z.enum(['running', 'completed', 'rolled_back', 'aborted']),
    percent: z.int(),
    reason: z.string().nullable(),
  })
  .meta({ id: 'Rollout' });
const ok = (schema: z.ZodType, description = 'OK') => ({ 200: { description, schema } });

const STATE_SUMMARIES: Record<(typeof STATE_ACTIONS)[number], string> = {
  pause: 'Pause a live program: no new entries; customers in it hold before their next send',
  resume: 'Resume a paused program: entries reopen and held customers send',
  stop: 'Stop a live or paused program: customers in it exit at their next step; a running experiment or rollout ends',
  archive: 'Archive a stopped program',
};

export const ADMIN_ROUTES: ApiRoute[] = [
  {
    method: 'get',
    path: '/v1/programs/:id/versions',
    scope: 'admin',
    tag: 'Programs',
    summary: "A program's versions, oldest first",
    responses: ok(z.array(VersionSummary)),
  },
  {
    method: 'get',
    path: '/v1/programs/:id/diff',
    scope: 'admin',
    tag: 'Programs',
    summary: 'What changed between two versions: steps added, removed, changed, and a JSON Patch',
    query: diffQuerySchema,
    responses: ok(
      z
        .looseObject({ steps: z.looseObject({}), settings: z.array(z.string()), patch: z.array(z.looseObject({})) })
        .meta({ id: 'VersionDiff' }),
    ),
    errors: [400],
  },
  ...STATE_ACTIONS.map((action): ApiRoute => ({
    method: 'post',
    path: `/v1/programs/:id/${action}`,
    scope: 'admin',
    tag: 'Programs',
    summary: STATE_SUMMARIES[action],
    responses: ok(Program),
    errors: [409],
  })),
  {
    method: 'get',
    path: '/v1/programs/:id/analytics',
    scope: 'admin',
    tag: 'Programs',
    summary: 'Per version, variant and step: entered, waiting now, completed, exits by reason, conversions',
    responses: ok(z.looseObject({}).meta({ id: 'ProgramAnalytics' })),
  },
  {
    method: 'post',
    path: '/v1/programs/:id/experiments',
    scope: 'admin',
    tag: 'Experiments',
    summary: "Split a live program's new entrants across versions and a holdout",
    body: startExperimentSchema.meta({ id: 'StartExperiment' }),
    description:
      'Assignment is a hash of experiment and customer id: sticky and recorded. ' +
      'Holdout customers run the current version and are never messaged.',
    responses: { 201: { description: 'Started', schema: Experiment } },
    errors: [409, 422],
  },
  {
    method: 'get',
    path: '/v1/programs/:id/experiments',
    scope: 'admin',
    tag: 'Experiments',
    summary: "A program's experiments, newest first",
    responses: ok(z.array(Experiment)),
  },
  {
    method: 'get',
    path: '/v1/experiments/:id',
    scope: 'admin',
    tag: 'Experiments',
    summary: 'One experiment',
    responses: ok(Experiment),
  },
  {
    method: 'get',
    path: '/v1/experiments/:id/results',
    scope: 'admin',
    tag: 'Experiments',
    summary:
      'Per variant: entered, converted, rate, lift over holdout, p-value, probability to beat holdout; ' +
      'and the winner the rule picks',
    responses: ok(
      z
        .looseObject({ variants: z.looseObject({}), holdout: z.looseObject({}), winner: z.string().nullable() })
        .meta({ id: 'ExperimentResults' }),
    ),
  },
  {
    method: 'post',
    path: '/v1/experiments/:id/promote',
    scope: 'admin',
    tag: 'Experiments',
    summary: "Make a variant's version the live one and end the experiment",
    body: promoteSchema.meta({ id: 'Promote' }),
    responses: ok(Experiment),
    errors: [409, 422],
  },
  {
    method: 'post',
    path: '/v1/experiments/:id/stop',
    scope: 'admin',
    tag: 'Experiments',
    summary: 'End the experiment; new entrants join the live version again',
    responses: ok(Experiment),
  },
  {
    method: 'post',
    path: '/v1/programs/:id/rollouts',
    scope: 'admin',
    tag: 'Rollouts',
    summary: 'Ramp a new version through a plan, watched by guardrails, rolled back at the first breach',
    body: startRolloutSchema.meta({ id: 'StartRollout' }),
    responses: { 201: { description: 'Started', schema: Rollout } },
    errors: [409, 422],
  },
  {
    method: 'get',
    path: '/v1/programs/:id/rollouts',
    scope: 'admin',
    tag: 'Rollouts',
    summary: "A program's rollouts, newest first",
    responses: ok(z.array(Rollout)),
  },
  {
    method: 'get',
    path: '/v1/rollouts/:id',
    scope: 'admin',
    tag: 'Rollouts',
    summary: 'One rollout with its guardrail evaluations',
    responses: ok(Rollout),
  },
  {
    method: 'post',
    path: '/v1/rollouts/:id/abort',
    scope: 'admin',
    tag: 'Rollouts',
    summary: 'Send new entrants back to the current version now',
    responses: ok(Rollout),
  },
  {
    method: 'get',
    path: '/v1/audit',
    scope: 'admin',
    tag: 'Audit',
    summary: 'The audit log, newest first: who changed what, before and after',
    query: auditQuerySchema,
    responses: ok(
      z
        .object({
          entries: z.array(z.looseObject({ actor: z.string(), action: z.string(), resource: z.string() })),
          nextBefore: z.string().nullable(),
        })
        .meta({ id: 'AuditPage' }),
    ),
    errors: [400],
  },
];

/** The publish route's optional body (the release's step map). */
export const publishBody = publishSchema.meta({ id: 'Publish' });
