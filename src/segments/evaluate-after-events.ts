// After events are stored (src/ingestion/ingestion.ts, once their transaction has committed):
// the segments they can change, evaluated for their customers in one statement, and each
// transition's outbox event signalled to the customer's workflow as any event is. What cannot be
// signalled now, the relay delivers; an evaluation that fails is logged and left to the schedule's
// recompute, never failing the ingestion of the event itself.
import type { Logger } from 'pino';
import { sqlRows, type Db } from '../db/prisma';
import type { CustomerEvent } from '../core/state';
import type { ReferencedIndex } from '../programs/referenced-index';
import { compileSegment } from './compile-segment';
import type { SegmentIndex } from './segment-index';
import { transitionsSql, type TransitionRow } from './transitions-sql';

/** How long the relay leaves a transition's event to the process that stored it (as ingest does). */
const INLINE_DELIVERY_GRACE_MS = 30_000;

export interface StoredEvent {
  customerId: string;
  type: string;
}

export function createSegmentEvaluation(deps: {
  db: Db;
  logger: Logger;
  index: Pick<SegmentIndex, 'affectedBy'>;
  referenced: Pick<ReferencedIndex, 'references'>;
  /** Signals an event to its customer's workflow; false when it could not (the relay will). */
  deliver: (customerId: string, event: CustomerEvent) => Promise<boolean>;
}) {
  const { db, logger, index, referenced, deliver } = deps;

  async function afterEvents(events: readonly StoredEvent[]): Promise<void> {
    if (!events.length) return;
    try {
      const segments = await index.affectedBy([...new Set(events.map((e) => e.type))]);
      if (!segments.length) return;
      const now = new Date();
      const sql = transitionsSql(
        segments.map((s, i) => ({
          id: s.id,
          version: s.version,
          compiled: compileSegment(s.definition, now, `s${i}_`),
        })),
        {
          customerIds: [...new Set(events.map((e) => e.customerId))],
          now,
          nextAttemptAt: new Date(now.getTime() + INLINE_DELIVERY_GRACE_MS),
          unreferenced: {
            entered: !referenced.references('segment_entered'),
            left: !referenced.references('segment_left'),
          },
        },
      );
      const transitions = await sqlRows<TransitionRow>(db, sql, []);
      for (const t of transitions) if (!t.delivered) await signal(t, now);
    } catch (err) {
      logger.warn({ err }, 'segments not evaluated after events: the scheduled recompute will');
    }
  }

  async function signal(t: TransitionRow, at: Date): Promise<void> {
    const event = { id: t.id, type: t.type, occurredAt: at.toISOString(), properties: t.properties };
    if (await deliver(t.customer_id, event)) return;
    // Not signalled now: the relay need not wait out the grace period.
    await db.event.update({ where: { id: t.id }, data: { nextAttemptAt: new Date() } });
  }

  return { afterEvents };
}

export type SegmentEvaluation = ReturnType<typeof createSegmentEvaluation>;
