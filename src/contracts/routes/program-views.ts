// What the program routes answer: a program, its versions, a publish, a diff and the analytics.
import { z } from 'zod';
import { anyJson, instant, oneOf } from '../response-parts';

export const programSchema = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    status: oneOf(['draft', 'live', 'paused', 'stopped', 'archived']),
    draft: anyJson.meta({ description: 'The draft definition, as last saved' }),
    liveVersion: z.int().nullable().meta({ description: 'The version new entrants join while live' }),
    listeningUntil: instant
      .nullable()
      .meta({ description: 'Once archived: until when its waits and goals still hear events' }),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Program' });

export const programSummarySchema = programSchema
  .extend({
    activeNow: z.int().meta({ description: 'Customers in it now' }),
    entered7d: z.int().meta({ description: 'Entries in the last 7 days' }),
    converted7d: z.int().meta({ description: 'Goal conversions in the last 7 days' }),
    experiment: z.strictObject({ id: z.string() }).nullable().meta({ description: 'The experiment running on it' }),
    rollout: z
      .strictObject({ id: z.string(), percent: z.int() })
      .nullable()
      .meta({ description: 'The staged rollout running on it' }),
  })
  .meta({ id: 'ProgramSummary' });

export const versionSummarySchema = z
  .strictObject({
    version: z.int(),
    createdAt: instant,
    migratesFrom: anyJson.nullable().meta({ description: "The release's step map, if any" }),
    retiredAt: instant.nullable(),
    retiredReason: z.string().nullable(),
  })
  .meta({ id: 'VersionSummary' });

export const programDetailSchema = programSchema
  .extend({ versions: z.array(versionSummarySchema).meta({ description: 'Oldest first' }) })
  .meta({ id: 'ProgramDetail' });

export const programVersionSchema = z
  .strictObject({
    programId: z.string(),
    version: z.int(),
    definition: anyJson,
    compiled: anyJson.nullable().meta({ description: 'The execution form the engine runs; internal' }),
    triggerEvent: z.string(),
    listensTo: z.array(z.string()),
    migratesFrom: anyJson.nullable(),
    retiredAt: instant.nullable(),
    retiredReason: z.string().nullable(),
    createdAt: instant,
  })
  .meta({ id: 'ProgramVersion' });

export const publishedSchema = z
  .strictObject({ programId: z.string(), version: z.int(), unchanged: z.boolean() })
  .meta({ id: 'Published' });

export const versionDiffSchema = z
  .strictObject({
    programId: z.string(),
    from: z.int(),
    to: z.int(),
    steps: z.strictObject({ added: z.array(z.string()), removed: z.array(z.string()), changed: z.array(z.string()) }),
    settings: z.array(z.string()).meta({ description: 'Top-level settings whose value changed' }),
    patch: z
      .array(
        z.strictObject({ op: z.string(), path: z.string(), value: anyJson.optional(), from: z.string().optional() }),
      )
      .meta({ description: 'RFC 6902 JSON Patch from one definition to the other' }),
  })
  .meta({ id: 'VersionDiff' });

const counts = z.record(z.string(), z.int());

export const programAnalyticsSchema = z
  .strictObject({
    programId: z.string(),
    versions: z.array(
      z.strictObject({
        version: z.int(),
        variant: z.string().nullable(),
        entered: z.int(),
        active: z.int(),
        completed: z.int(),
        exits: counts.meta({ description: 'By exit reason' }),
        conversions: z.strictObject({ converted: z.int(), attributed: z.int() }),
        steps: z.record(
          z.string(),
          z.strictObject({
            arrived: z
              .int()
              .meta({ description: 'Customers who reached it: done with it, there now, or left from it' }),
            visits: z.int().meta({ description: 'Customers done with it (its record is written when it completes)' }),
            waitingNow: z.int(),
            exits: counts,
            sends: z
              .strictObject({ sent: z.int(), failed: z.int(), skipped: counts.meta({ description: 'By reason' }) })
              .optional()
              .meta({ description: "A send step's messages" }),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'ProgramAnalytics' });
