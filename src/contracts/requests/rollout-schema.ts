// The admin API's rollout request: the version to ramp to, the plan, and the guardrails.
import { z } from 'zod';
import { versionNumber } from '../program-language/program-schema';

const durationMs = z
  .number()
  .int()
  .min(100)
  .max(30 * 24 * 3_600_000);

export const guardrailsSchema = z.strictObject({
  /** Messages (or step records) the new version needs before a rate is judged. */
  minSamples: z.number().int().min(1).max(1_000_000_000).default(20),
  /** How far each rate of the new version may exceed the current version's (absolute, 0 to 1). */
  maxIncrease: z
    .strictObject({
      sendFailureRate: z.number().min(0).max(1).default(0.05),
      bounceRate: z.number().min(0).max(1).default(0.02),
      unsubscribeRate: z.number().min(0).max(1).default(0.01),
      stepErrorRate: z.number().min(0).max(1).default(0.05),
    })
    .default({ sendFailureRate: 0.05, bounceRate: 0.02, unsubscribeRate: 0.01, stepErrorRate: 0.05 }),
});

export const startRolloutSchema = z.strictObject({
  toVersion: versionNumber,
  plan: z
    .array(z.strictObject({ percent: z.number().int().min(1).max(100), dwellMs: durationMs }))
    .min(1)
    .max(20)
    .refine((p) => p.every((s, i) => i === 0 || s.percent > p[i - 1]!.percent), 'percentages must rise at every step')
    .refine((p) => p.at(-1)?.percent === 100, 'the last step must reach 100 percent')
    .default([
      { percent: 5, dwellMs: 3_600_000 },
      { percent: 25, dwellMs: 3_600_000 },
      { percent: 50, dwellMs: 3_600_000 },
      { percent: 100, dwellMs: 3_600_000 },
    ]),
  guardrails: guardrailsSchema.default({
    minSamples: 20,
    maxIncrease: { sendFailureRate: 0.05, bounceRate: 0.02, unsubscribeRate: 0.01, stepErrorRate: 0.05 },
  }),
  /** How often the guardrails are checked while a step dwells (at most about 24 days). */
  evaluationIntervalMs: z.number().int().min(100).max(2_147_483_647).default(60_000),
});

export type StartRollout = z.output<typeof startRolloutSchema>;
export type Guardrails = z.output<typeof guardrailsSchema>;
