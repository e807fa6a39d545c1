// Programs: drafts, versions and their diffs, launch, states, analytics.
import { z } from 'zod';
import {
  createProgramSchema,
  launchSchema,
  publishSchema,
  updateDraftSchema,
  versionNumber,
  type StateAction,
} from '../program-language/program-schema';
import { route } from '../route';
import {
  programAnalyticsSchema,
  programDetailSchema,
  programSummarySchema,
  programVersionSchema,
  publishedSchema,
  versionDiffSchema,
  versionSummarySchema,
} from './program-views';

const versionParam = z.coerce.number().pipe(versionNumber);
const ok = <S extends z.ZodType>(schema: S) => ({ 200: { description: 'OK', schema } }) as const;

const STATE_SUMMARIES: Record<StateAction, string> = {
  pause: 'Pause a live program: no new entries; customers in it hold before their next send',
  resume: 'Resume a paused program: entries reopen and held customers send',
  stop: 'Stop a live or paused program: customers in it exit at their next step; a running experiment or rollout ends',
  archive: 'Archive a stopped program',
};

const stateRoute = <A extends StateAction>(action: A) =>
  route({
    method: 'post',
    path: `/v1/programs/:id/${action}`,
    scope: 'admin',
    tag: 'Programs',
    summary: STATE_SUMMARIES[action],
    responses: ok(programDetailSchema),
    errors: [409],
  });

export const programRoutes = {
  list: route({
    method: 'get',
    path: '/v1/programs',
    scope: 'read',
    tag: 'Programs',
    summary: 'Every program, with customers in it now and its last 7 days',
    responses: ok(z.array(programSummarySchema)),
  }),
  create: route({
    method: 'post',
    path: '/v1/programs',
    scope: 'admin',
    tag: 'Programs',
    summary: 'Create a program with a draft',
    body: createProgramSchema.meta({
      id: 'CreateProgram',
      description:
        'The definition is a draft in the program language (docs/ARCHITECTURE.md), validated in full on publish.',
    }),
    responses: { 201: { description: 'Created', schema: programDetailSchema } },
    errors: [409],
  }),
  get: route({
    method: 'get',
    path: '/v1/programs/:id',
    scope: 'read',
    tag: 'Programs',
    summary: 'A program and its versions',
    responses: ok(programDetailSchema),
  }),
  updateDraft: route({
    method: 'put',
    path: '/v1/programs/:id/draft',
    scope: 'admin',
    tag: 'Programs',
    summary: "Replace a program's draft",
    body: updateDraftSchema.meta({ id: 'UpdateDraft' }),
    responses: ok(programDetailSchema),
  }),
  versions: route({
    method: 'get',
    path: '/v1/programs/:id/versions',
    scope: 'read',
    tag: 'Programs',
    summary: "A program's versions, oldest first",
    responses: ok(z.array(versionSummarySchema)),
  }),
  publish: route({
    method: 'post',
    path: '/v1/programs/:id/versions',
    scope: 'admin',
    tag: 'Programs',
    summary: 'Publish the draft as the next immutable version',
    description:
      'The body is optional: `migrate` is a step map that moves customers waiting on an older version onto this ' +
      'one at their next step, once this version is live. ' +
      'A draft identical to the latest version publishes nothing (200, `unchanged: true`).',
    body: publishSchema.meta({ id: 'Publish' }),
    bodyOptional: true,
    responses: {
      201: { description: 'Published', schema: publishedSchema },
      200: { description: 'Unchanged: the latest version already is this draft', schema: publishedSchema },
    },
    errors: [422],
  }),
  version: route({
    method: 'get',
    path: '/v1/programs/:id/versions/:version',
    scope: 'read',
    tag: 'Programs',
    summary: 'One published version',
    params: z.object({ id: z.string(), version: versionParam }),
    responses: ok(programVersionSchema),
    errors: [400],
  }),
  diff: route({
    method: 'get',
    path: '/v1/programs/:id/diff',
    scope: 'read',
    tag: 'Programs',
    summary: 'What changed between two versions: steps added, removed, changed, and a JSON Patch',
    query: z.strictObject({ from: versionParam, to: versionParam }),
    responses: ok(versionDiffSchema),
    errors: [400],
  }),
  launch: route({
    method: 'post',
    path: '/v1/programs/:id/launch',
    scope: 'admin',
    tag: 'Programs',
    summary: 'Make a version the one new entrants join',
    body: launchSchema.meta({ id: 'Launch' }),
    responses: ok(programDetailSchema),
    errors: [409],
  }),
  pause: stateRoute('pause'),
  resume: stateRoute('resume'),
  stop: stateRoute('stop'),
  archive: stateRoute('archive'),
  analytics: route({
    method: 'get',
    path: '/v1/programs/:id/analytics',
    scope: 'read',
    tag: 'Programs',
    summary: 'Per version, variant and step: entered, waiting now, completed, exits by reason, conversions',
    responses: ok(programAnalyticsSchema),
  }),
};
