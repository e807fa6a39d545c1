// The admin API's experiment request: variants (each a program version), the holdout, the winner rule.
import { z } from 'zod';
import { versionNumber } from '../program-language/program-schema';

/** The variant name of an experiment's held-out customers: they run the control version and get no messages. */
export const HOLDOUT = 'holdout';

/** The variants an experiment splits entrants across, as started and as stored (experiments.variants). */
export const variantsSchema = z
  .array(
    z.strictObject({
      name: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, "-" or "_"')
        .refine((n) => n !== HOLDOUT, `"${HOLDOUT}" is reserved`),
      version: versionNumber,
      weight: z.number().positive().default(1),
    }),
  )
  .min(1)
  .max(10)
  .refine((vs) => new Set(vs.map((v) => v.name)).size === vs.length, 'variant names must be unique');

/** When a variant wins, as started and as stored (experiments.winner_rule). */
export const winnerRuleSchema = z
  .strictObject({
    minCustomersPerVariant: z.number().int().min(1).max(1_000_000_000).default(100),
    minProbability: z.number().min(0.5).max(1).default(0.95),
    /** Make the winner the live version (and end the experiment) as soon as there is one. */
    autoPromote: z.boolean().default(false),
    /** How often the controller checks for a winner when autoPromote is on. */
    evaluationIntervalMs: z.number().int().min(100).max(2_147_483_647).default(3_600_000),
  })
  .default({
    minCustomersPerVariant: 100,
    minProbability: 0.95,
    autoPromote: false,
    evaluationIntervalMs: 3_600_000,
  });

export const startExperimentSchema = z.strictObject({
  variants: variantsSchema,
  /** Share of new entrants held out: they enter the current version and are never messaged. */
  holdout: z.number().min(0).max(0.5).default(0.1),
  winnerRule: winnerRuleSchema,
});

export type StartExperiment = z.output<typeof startExperimentSchema>;
export type ExperimentWinnerRule = StartExperiment['winnerRule'];

export const promoteSchema = z.strictObject({ variant: z.string().min(1) });
