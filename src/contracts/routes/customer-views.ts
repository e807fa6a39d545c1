// What the customer routes answer beyond the profile: a journey's state, and the trace.
import { z } from 'zod';

const TRACE_KINDS = [
  'run',
  'event',
  'timer',
  'activity',
  'localActivity',
  'marker',
  'workflowTask',
  'enrollment',
  'step',
  'message',
] as const;

const detail = z.record(z.string(), z.unknown());

export const traceSchema = z
  .strictObject({
    customer: z.strictObject({
      id: z.string(),
      workflowId: z.string(),
      timezone: z.string().nullable(),
      mergedInto: z.string().nullable(),
      identifiers: z.array(z.strictObject({ kind: z.string(), value: z.string() })),
    }),
    entries: z.array(
      z.strictObject({
        at: z.iso.datetime().meta({ description: 'Workflow time for history and journey records' }),
        kind: z.enum(TRACE_KINDS),
        program: z.string().optional(),
        step: z.string().optional(),
        summary: z.string(),
        detail,
      }),
    ),
    pending: z.array(
      z.strictObject({
        kind: z.enum(['wait', 'timer']),
        wakeAt: z.iso.datetime().nullable(),
        program: z.string().optional(),
        step: z.string().optional(),
        summary: z.string(),
        detail,
      }),
    ),
    warnings: z.array(z.string()).meta({ description: 'What the trace could not include' }),
  })
  .meta({ id: 'Trace' });

export const journeyStateSchema = z
  .strictObject({
    customerId: z.string(),
    enrollments: z.array(
      z.strictObject({
        id: z.string(),
        programId: z.string(),
        version: z.int(),
        variant: z.string().nullable(),
        entryKey: z.string().nullable(),
        stepId: z.string(),
        stepKind: z.string().nullable(),
        waitingFor: z.string().nullable(),
        wakeAt: z.iso.datetime().nullable(),
      }),
    ),
    nextWakeAt: z.iso.datetime().nullable(),
    eventsSeen: z.int(),
    contactLog: z.array(
      z.strictObject({
        channel: z.string(),
        programId: z.string(),
        at: z.number().meta({ description: 'Epoch milliseconds' }),
        transactional: z.boolean().optional(),
        enrollmentId: z.string().optional(),
        pending: z.boolean().optional(),
      }),
    ),
    run: z
      .strictObject({ runId: z.string(), historyLength: z.int() })
      .nullable()
      .meta({ description: 'Null when the customer has no workflow yet' }),
  })
  .meta({ id: 'JourneyState' });

const quintile = z.int().min(1).max(5).nullable();

/** A customer's computed traits, as conditions (`traits.*`) and templates read them. */
export const computedTraitsSchema = z
  .strictObject({
    orderCount: z.int(),
    totalSpent: z.number(),
    averageOrderValue: z.number().nullable().meta({ description: 'Total spent over orders, to the cent' }),
    firstPurchaseAt: z.iso.datetime().nullable(),
    lastPurchaseAt: z.iso.datetime().nullable(),
    daysSinceLastPurchase: z.int().nullable().meta({ description: 'Whole days, rounded down, at the read' }),
    purchaseCadenceDays: z.number().nullable().meta({ description: 'Mean days between orders; needs two' }),
    favouriteCategory: z.string().nullable().meta({ description: 'Most units bought, then most recent' }),
    value12m: z.number().meta({ description: 'Spent in the last 12 months' }),
    opens30d: z.int(),
    clicks30d: z.int(),
    rfm: z
      .strictObject({ recency: quintile, frequency: quintile, monetary: quintile })
      .meta({ description: 'Quintiles among buyers, 5 the best, refreshed daily; null until then' }),
    country: z.string().nullable(),
    region: z.string().nullable(),
  })
  .meta({ id: 'ComputedTraits' });
