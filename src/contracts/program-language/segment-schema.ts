// The segment language: the program condition language (schema.ts beside it) over `profile.*` and
// `traits.*`, extended with event aggregates over windows. The one zod schema of a segment.
import { z } from 'zod';
import { conditionFields } from '../../core/conditions';
import { jsonObject } from '../schema-parts';
import { comparison, conditionSchema, durationSchema } from './schema';
import { durationMs } from './durations';

/**
 * The computed traits a segment or a program condition may read as `traits.<name>` (customer_traits,
 * and what is derived from it: src/traits/trait-values.ts for programs, src/segments/trait-sql.ts
 * for segments). The one list both are checked against.
 */
export const SEGMENT_TRAITS = [
  'orderCount',
  'totalSpent',
  'averageOrderValue',
  'firstPurchaseAt',
  'lastPurchaseAt',
  'daysSinceLastPurchase',
  'purchaseCadenceDays',
  'favouriteCategory',
  'value12m',
  'opens30d',
  'clicks30d',
  'rfm.recency',
  'rfm.frequency',
  'rfm.monetary',
  'country',
  'region',
] as const;
export type SegmentTrait = (typeof SEGMENT_TRAITS)[number];

/** The longest window an aggregate may look back: what the events' index keeps cheap to scan. */
export const MAX_WINDOW_MS = 365 * 24 * 3600 * 1000;

const window = durationSchema.refine((d) => durationMs(d) <= MAX_WINDOW_MS, 'must be at most 365 days');

/** Each computed trait as a condition names it: `traits.orderCount`, `traits.rfm.recency`, ... */
export const TRAIT_FIELDS: ReadonlySet<string> = new Set(SEGMENT_TRAITS.map((t) => `traits.${t}`));

/** Why a `traits.*` field that names none of them is refused, by segments and programs alike. */
export const UNKNOWN_TRAIT_MESSAGE = `unknown trait: one of ${SEGMENT_TRAITS.join(', ')}`;

/** A program comparison, on the customer only: `profile.*`, or one of the computed traits. */
const customerComparison = comparison.superRefine((c, ctx) => {
  if (c.field.startsWith('profile.')) return;
  if (TRAIT_FIELDS.has(c.field)) return;
  ctx.addIssue({
    code: 'custom',
    path: ['field'],
    message: c.field.startsWith('traits.') ? UNKNOWN_TRAIT_MESSAGE : 'must start with profile. or traits.',
  });
});

/** Which events an aggregate counts: a type, and a program condition over `event.properties.*`. */
const eventFilter = z.strictObject({
  type: z.string().min(1).max(100),
  where: conditionSchema
    .refine((c) => conditionFields(c).every((f) => f.startsWith('event.properties.')), {
      message: 'an event filter reads event.properties.* only',
    })
    .optional(),
});

const countBound = z.number().int().min(0).max(1_000_000);

/** "Purchased at least twice in 30 days": the count of matching events in the last `within`. */
const eventCount = z.strictObject({
  events: eventFilter.extend({
    within: window,
    count: z
      .strictObject({ gte: countBound.optional(), lte: countBound.optional(), eq: countBound.optional() })
      .refine((b) => b.gte !== undefined || b.lte !== undefined || b.eq !== undefined, 'give gte, lte or eq'),
  }),
});

/**
 * "Viewed category X and did not buy within 7 days": some `did` event whose `within` has fully
 * passed with no `notFollowedBy` event in it, at most `lookback` before that (so a customer enters
 * `within` after the event, by the schedule, and leaves `lookback` later).
 */
const sequence = z.strictObject({
  sequence: z
    .strictObject({ did: eventFilter, notFollowedBy: eventFilter, within: window, lookback: window })
    .refine((s) => durationMs(s.within) + durationMs(s.lookback) <= MAX_WINDOW_MS, {
      message: 'within and lookback together must be at most 365 days',
      path: ['lookback'],
    }),
});

type EventFilter = z.output<typeof eventFilter>;
export type SegmentCondition =
  | z.output<typeof customerComparison>
  | { events: EventFilter & { within: string; count: { gte?: number; lte?: number; eq?: number } } }
  | { sequence: { did: EventFilter; notFollowedBy: EventFilter; within: string; lookback: string } }
  | { all: SegmentCondition[] }
  | { any: SegmentCondition[] }
  | { not: SegmentCondition };

const segmentCondition: z.ZodType<SegmentCondition> = z.lazy(() =>
  z.union([
    customerComparison,
    eventCount,
    sequence,
    z.strictObject({ all: z.array(segmentCondition).min(1) }),
    z.strictObject({ any: z.array(segmentCondition).min(1) }),
    z.strictObject({ not: segmentCondition }),
  ]),
);

export const segmentDefinitionSchema = z.strictObject({
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  condition: segmentCondition,
});

export type SegmentDefinition = z.output<typeof segmentDefinitionSchema>;

const segmentId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1-64 lowercase letters, digits, "-" or "_"');

export const createSegmentSchema = z.strictObject({
  id: segmentId,
  /** The draft: validated in full only when published, as a program's is. */
  definition: jsonObject,
});

export const updateSegmentDraftSchema = z.strictObject({ definition: jsonObject });
