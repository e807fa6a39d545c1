// Admin API bodies for programs and templates.
import { z } from 'zod';
import { jsonObject, storable } from '../schema-parts';

const programId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1-64 lowercase letters, digits, "-" or "_"');

export const createProgramSchema = z.strictObject({
  id: programId,
  /** The draft: validated in full only when published, so work in progress can be saved. */
  definition: jsonObject,
});

export const updateDraftSchema = z.strictObject({ definition: jsonObject });

/** What POST /v1/programs/:id/{action} does to a program's state (src/programs/program-states.ts). */
export type StateAction = 'pause' | 'resume' | 'stop' | 'archive';

/** A version number: positive, and within PostgreSQL's integer. */
export const versionNumber = z.number().int().min(1).max(2_147_483_647);

export const launchSchema = z.strictObject({ version: versionNumber });

export const templateSchema = z.strictObject({
  channel: z.enum(['email']).default('email'),
  subject: z.string().min(1).max(500).check(storable),
  body: z.string().min(1).max(200_000).check(storable),
});

export type TemplateInput = z.output<typeof templateSchema>;

const stepId = z.string().min(1).max(100).check(storable);

/** A release's step map: customers waiting on `fromVersion` move to the new version's step. */
export const stepMapSchema = z.strictObject({
  fromVersion: versionNumber,
  steps: z.record(stepId, stepId).refine((m) => Object.keys(m).length > 0, 'map at least one step'),
});
export type StepMap = z.output<typeof stepMapSchema>;

export const publishSchema = z.strictObject({ migrate: stepMapSchema.optional() }).default({});
