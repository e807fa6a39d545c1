// The published segments, held in memory by each API process, and which of them an event can
// change: those whose aggregates count its type, and those reading profile or traits when the
// event changes traits (src/traits/refresh-traits.ts). Reloaded when older than `maxAgeMs` at the
// next event, and at once after this process publishes or archives: another process's change
// reaches this one within that age (the schedule's recompute covers anything in between).
import type { Logger } from 'pino';
import { sqlRows, type Db } from '../db/prisma';
import { segmentDefinitionSchema, type SegmentDefinition } from '../contracts/program-language/segment-schema';
import { eventChangesTraits } from '../traits/refresh-traits';

export interface PublishedSegment {
  id: string;
  version: number;
  definition: SegmentDefinition;
  eventTypes: string[];
  readsCustomer: boolean;
}

interface Row {
  id: string;
  version: number;
  definition: unknown;
  event_types: string[];
  reads_customer: boolean;
}

const LOAD = `
  SELECT s.id, v.version, v.definition, v.event_types, v.reads_customer
    FROM segments s JOIN segment_versions v ON v.segment_id = s.id AND v.version = s.current_version
   WHERE s.archived_at IS NULL`;

export function createSegmentIndex(deps: { db: Db; logger: Logger; maxAgeMs?: number }) {
  const { db, logger } = deps;
  const maxAgeMs = deps.maxAgeMs ?? 1000;
  let segments: PublishedSegment[] = [];
  let loadedAt = Number.NEGATIVE_INFINITY;
  let loading: Promise<void> | null = null;

  async function load(): Promise<void> {
    const started = Date.now();
    const rows = await sqlRows<Row>(db, LOAD, []);
    segments = rows.flatMap((row) => {
      // A stored definition this build cannot read is left out, by name, not fatal to every event.
      const parsed = segmentDefinitionSchema.safeParse(row.definition);
      if (parsed.success)
        return [
          {
            id: row.id,
            version: row.version,
            definition: parsed.data,
            eventTypes: row.event_types,
            readsCustomer: row.reads_customer,
          },
        ];
      logger.error({ segment: row.id, version: row.version }, 'stored segment definition does not parse: skipped');
      return [];
    });
    loadedAt = started;
  }

  /** One load at a time; callers during a load share it. */
  function reload(): Promise<void> {
    loading ??= load().finally(() => (loading = null));
    return loading;
  }

  return {
    /** The segments an event of `type` may change, from a load at most `maxAgeMs` old. */
    async affectedBy(types: readonly string[]): Promise<PublishedSegment[]> {
      if (Date.now() - loadedAt > maxAgeMs) await reload();
      const changesTraits = types.some(eventChangesTraits);
      return segments.filter((s) => (changesTraits && s.readsCustomer) || s.eventTypes.some((t) => types.includes(t)));
    },
    /** After this process changed segments: a load that began after the call. */
    refresh: async () => {
      if (loading) await loading;
      await reload();
    },
  };
}

export type SegmentIndex = ReturnType<typeof createSegmentIndex>;
