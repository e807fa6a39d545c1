// The program language: the one zod schema for a marketer's journey definition. Workflow code
// uses only the types derived from it (types.ts beside it), never zod itself.
import { z } from 'zod';
import { ianaTimeZone } from '../schema-parts';
import { durationMs } from './durations';

const id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'must be 1-64 letters, digits, "-" or "_"');

/** A Temporal duration string such as "90s", "30m", "2h", "2d" or "1 week". */
export const durationSchema = z
  .string()
  .refine((s) => durationMs(s) > 0, { message: 'must be a positive duration like "30m", "2h" or "7d"' });

/** Where a condition reads from: the profile, the computed traits, or the entry event. */
const fieldPath = z
  .string()
  .regex(
    /^(profile|traits|event)(\.[A-Za-z0-9_$-]+)+$/,
    'must start with profile., traits. or event. (e.g. "event.properties.cartId")',
  );

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const comparison = z.discriminatedUnion('op', [
  z.strictObject({ field: fieldPath, op: z.enum(['eq', 'neq']), value: scalar }),
  z.strictObject({
    field: fieldPath,
    op: z.enum(['gt', 'gte', 'lt', 'lte']),
    value: z.union([z.number(), z.string()]),
  }),
  z.strictObject({ field: fieldPath, op: z.literal('in'), value: z.array(scalar).min(1) }),
  z.strictObject({ field: fieldPath, op: z.literal('contains'), value: scalar }),
  z.strictObject({ field: fieldPath, op: z.literal('exists') }),
]);

export type ConditionInput =
  z.infer<typeof comparison> | { all: ConditionInput[] } | { any: ConditionInput[] } | { not: ConditionInput };

export const conditionSchema: z.ZodType<ConditionInput> = z.lazy(() =>
  z.union([
    comparison,
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
  ]),
);

/** Which events a trigger, goal or wait listens for. */
const eventMatchSchema = z.strictObject({
  type: z.string().min(1).max(100),
  /** Over the candidate event: `event.properties.*`, plus profile/traits where loaded. */
  where: conditionSchema.optional(),
  /** Only events whose entry-key value equals this enrollment's (e.g. the same cart). */
  sameKey: z.boolean().optional(),
});

const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24h)');

const stepSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('wait'), duration: durationSchema, next: id }),
  z.strictObject({
    kind: z.literal('waitUntil'),
    days: z.array(weekday).min(1).optional(),
    at: timeOfDay,
    next: id,
  }),
  z.strictObject({
    kind: z.literal('waitPersonalized'),
    strategy: z.discriminatedUnion('type', [
      z.strictObject({
        type: z.literal('purchaseCadence'),
        factor: z.number().positive().max(10).default(1),
        min: durationSchema,
        max: durationSchema,
        fallback: durationSchema,
      }),
      z.strictObject({ type: z.literal('bestHour'), defaultHour: z.number().int().min(0).max(23) }),
    ]),
    next: id,
  }),
  z.strictObject({
    kind: z.literal('waitForEvent'),
    event: eventMatchSchema,
    timeout: durationSchema,
    next: z.strictObject({ matched: id, timedOut: id }),
  }),
  z.strictObject({
    kind: z.literal('branch'),
    cases: z.array(z.strictObject({ when: conditionSchema, next: id })).min(1),
    default: id,
  }),
  z.strictObject({
    kind: z.literal('send'),
    channel: z.enum(['email', 'webhook']),
    template: id,
    /** The webhook channel's endpoint (an SMS provider, an in-house system); email takes none. */
    url: z.url({ protocol: /^https?$/ }).optional(),
    next: id,
    /** Where a permanently failed send goes; without it the customer exits. */
    onFailure: id.optional(),
  }),
  z.strictObject({ kind: z.literal('recommend'), count: z.number().int().min(1).max(20).default(4), next: id }),
  z.strictObject({
    kind: z.literal('update'),
    set: z.record(z.string().min(1), z.union([scalar, z.array(scalar)])).optional(),
    addTags: z.array(z.string().min(1)).optional(),
    removeTags: z.array(z.string().min(1)).optional(),
    next: id,
  }),
  z.strictObject({ kind: z.literal('exit') }),
]);

export const programDefinitionSchema = z.strictObject({
  name: z.string().min(1).max(200),
  /** IANA zone used when the customer's profile has none. */
  timezone: ianaTimeZone.default('UTC'),
  /** Transactional programs (receipts, password resets) bypass frequency caps and quiet hours. */
  priority: z.enum(['marketing', 'transactional']).default('marketing'),
  /** What a send that falls in the customer's quiet hours does: wait for them to end, or skip. */
  quietHours: z.enum(['hold', 'skip']).default('hold'),
  /**
   * The consent group the program's messages belong to; a customer unsubscribed from it gets none.
   * Unset: "marketing", or no group at all for a transactional program.
   */
  subscriptionGroup: id.optional(),
  entry: z.strictObject({
    event: z.string().min(1).max(100),
    where: conditionSchema.optional(),
    /** Path into the entry event; one instance runs per distinct value (e.g. "properties.cartId"). */
    key: z
      .string()
      .regex(/^properties(\.[A-Za-z0-9_$-]+)+$/, 'must be a path like "properties.cartId"')
      .optional(),
    reentry: z
      .discriminatedUnion('mode', [
        z.strictObject({ mode: z.literal('once') }),
        z.strictObject({ mode: z.literal('always') }),
        z.strictObject({ mode: z.literal('cooldown'), cooldown: durationSchema }),
      ])
      .default({ mode: 'always' }),
    maxInstances: z.number().int().min(1).max(100).default(1),
  }),
  goal: z.strictObject({ event: eventMatchSchema, window: durationSchema }).optional(),
  start: id,
  steps: z.record(id, stepSchema),
});
