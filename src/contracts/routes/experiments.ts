// Experiments on a live program: start, read, results, promote, stop.
import { z } from 'zod';
import { promoteSchema, startExperimentSchema } from '../requests/experiment-schema';
import { route } from '../route';
import { anyJson, instant, oneOf } from '../response-parts';

const experiment = z
  .strictObject({
    id: z.string(),
    programId: z.string(),
    status: oneOf(['running', 'promoted', 'stopped']),
    variants: anyJson.meta({ description: 'The variants as started: name, version, weight' }),
    holdout: z.number(),
    controlVersion: z.int().meta({ description: 'The live version when it started; the holdout runs it' }),
    winnerRule: anyJson.meta({ description: 'The winner rule as started' }),
    winner: z.string().nullable(),
    startedAt: instant,
    endedAt: instant.nullable(),
  })
  .meta({ id: 'Experiment' });

const rate = z.number().nullable();
const results = z
  .strictObject({
    experimentId: z.string(),
    holdout: z.strictObject({ entered: z.int(), converted: z.int(), conversionRate: rate }),
    variants: z.record(
      z.string(),
      z.strictObject({
        entered: z.int(),
        converted: z.int(),
        conversionRate: rate,
        liftOverHoldout: rate,
        pValue: rate,
        probabilityToBeatHoldout: rate,
      }),
    ),
    winner: z.string().nullable().meta({ description: 'The variant the winner rule picks now' }),
    rule: z.strictObject({
      minCustomersPerVariant: z.int(),
      minProbability: z.number(),
      autoPromote: z.boolean(),
      evaluationIntervalMs: z.int(),
    }),
    timeline: z
      .array(z.strictObject({ day: z.iso.date(), series: z.string(), entered: z.int(), converted: z.int() }))
      .meta({
        description:
          'Per UTC day and series (a variant or `holdout`): customers who first entered that day and how many of ' +
          'them converted; summed over the days, the totals above',
      }),
  })
  .meta({ id: 'ExperimentResults' });

const ok = { 200: { description: 'OK', schema: experiment } } as const;

export const experimentRoutes = {
  start: route({
    method: 'post',
    path: '/v1/programs/:id/experiments',
    scope: 'admin',
    tag: 'Experiments',
    summary: "Split a live program's new entrants across versions and a holdout",
    description:
      'Assignment is a hash of experiment and customer id: sticky and recorded. ' +
      'Holdout customers run the current version and are never messaged.',
    body: startExperimentSchema.meta({ id: 'StartExperiment' }),
    responses: { 201: { description: 'Started', schema: experiment } },
    errors: [409, 422],
  }),
  list: route({
    method: 'get',
    path: '/v1/programs/:id/experiments',
    scope: 'read',
    tag: 'Experiments',
    summary: "A program's experiments, newest first",
    responses: { 200: { description: 'OK', schema: z.array(experiment) } },
  }),
  get: route({
    method: 'get',
    path: '/v1/experiments/:id',
    scope: 'read',
    tag: 'Experiments',
    summary: 'One experiment',
    responses: ok,
  }),
  results: route({
    method: 'get',
    path: '/v1/experiments/:id/results',
    scope: 'read',
    tag: 'Experiments',
    summary:
      'Per variant: entered, converted, rate, lift over holdout, p-value, probability to beat holdout; ' +
      'and the winner the rule picks',
    responses: { 200: { description: 'OK', schema: results } },
  }),
  promote: route({
    method: 'post',
    path: '/v1/experiments/:id/promote',
    scope: 'admin',
    tag: 'Experiments',
    summary: "Make a variant's version the live one and end the experiment",
    body: promoteSchema.meta({ id: 'Promote' }),
    responses: ok,
    errors: [409, 422],
  }),
  stop: route({
    method: 'post',
    path: '/v1/experiments/:id/stop',
    scope: 'admin',
    tag: 'Experiments',
    summary: 'End the experiment; new entrants join the live version again',
    responses: ok,
  }),
};
