// Durable ingestion: an event is stored (the outbox) before it is acknowledged, then signalled
// to the customer's workflow. Whatever is not delivered now, the relay delivers later. An event
// whose type no program version in use references is stored and not signalled: no workflow would
// act on it (src/programs/referenced-index.ts).
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../db/prisma';
import type { ReferencedIndex } from '../programs/referenced-index';
import type { CustomerRef } from '../contracts/requests/customer-schema';
import { TRANSACTION_OPTIONS, type Identity } from '../customers/identity';
import type { CustomerWorkflows } from '../customers/customer-workflows';
import type { CustomerEvent } from '../core/state';
import type { EventInput } from '../contracts/requests/event-schema';
import { customerLanes } from './customer-lanes';
import { createDeliveryBreaker } from './delivery-breaker';
import { createDeliveredMarks } from './delivered-marks';
import { recordOrderLines } from './order-lines';
import { countStoredEvent } from '../analytics/audience-writes';
import { eventChangesTraits, refreshCustomerTraits } from '../traits/refresh-traits';
import { storeUnreferencedBatch, type BatchItem } from './unreferenced-batch';
import type { SegmentEvaluation } from '../segments/evaluate-after-events';

export interface IngestResult {
  eventId: string;
  customerId: string;
  /** The event id was seen before: nothing new happened. */
  duplicate: boolean;
  /** Signalled to the workflow now, or nothing to signal (`unreferenced`); otherwise the relay will. */
  delivered: boolean;
  /** No program version in use references its type: stored, and signalled to no workflow. */
  unreferenced?: true;
}

/** How long the relay leaves a fresh event to the request that stored it. */
const INLINE_DELIVERY_GRACE_MS = 30_000;

export function createIngestion(deps: {
  db: Db;
  identity: Identity;
  customers: CustomerWorkflows;
  logger: Logger;
  referenced: Pick<ReferencedIndex, 'references' | 'enters'>;
  /** Evaluates the segments stored events can change, after their transaction (src/segments/). */
  segments?: Pick<SegmentEvaluation, 'afterEvents'>;
}) {
  const { db, identity, customers, logger, referenced, segments } = deps;
  const breaker = createDeliveryBreaker();
  const marks = createDeliveredMarks(db, logger);

  /** Stores and signals the event, then evaluates the segments it can change: their events follow it. */
  async function ingest(input: EventInput): Promise<IngestResult> {
    const result = await storeAndDeliver(input);
    if (!result.duplicate) await segments?.afterEvents([{ customerId: result.customerId, type: input.type }]);
    return result;
  }

  async function storeAndDeliver(input: EventInput): Promise<IngestResult> {
    const eventId = input.eventId ?? randomUUID();
    const occurredAt = input.timestamp ? new Date(input.timestamp) : new Date();
    const signal = referenced.references(input.type);
    // The customer and its identifiers are written with the event: a failure leaves neither.
    const customerId = await db
      .$transaction(async (tx) => {
        const customerId = await identity.resolve(input.customer, tx);
        const { count } = await tx.event.createMany({
          data: [
            {
              id: eventId,
              customerId,
              type: input.type,
              occurredAt,
              properties: input.properties as object,
              // While deliveries fail, the relay may take it at once rather than after the grace.
              nextAttemptAt: new Date(Date.now() + (breaker.open() ? 0 : INLINE_DELIVERY_GRACE_MS)),
              // Nothing to signal: delivered as far as the relay is concerned.
              ...(signal ? {} : { deliveredAt: new Date(), unreferenced: true }),
            },
          ],
          skipDuplicates: true,
        });
        // Seen before: undo whatever resolving the customer wrote, and answer from the stored row.
        if (count === 0) throw new Duplicate();
        await countStoredEvent(tx, input.type, occurredAt);
        if (input.type === 'purchase') await recordOrderLines(tx, customerId, occurredAt, input.properties);
        // With the event, so a rolled-back duplicate leaves the traits as they were.
        if (eventChangesTraits(input.type)) await refreshCustomerTraits(tx, [customerId]);
        return customerId;
      }, TRANSACTION_OPTIONS)
      .catch((err: unknown) => {
        if (err instanceof Duplicate) return null;
        throw err;
      });
    if (customerId === null) return duplicateOf(eventId);
    if (!signal) return { eventId, customerId, duplicate: false, delivered: true, unreferenced: true };
    if (!breaker.allow()) return { eventId, customerId, duplicate: false, delivered: false };

    const event: CustomerEvent = {
      id: eventId,
      type: input.type,
      occurredAt: occurredAt.toISOString(),
      properties: input.properties,
    };
    const delivered = await deliver(customerId, event);
    if (delivered) breaker.succeeded();
    else {
      breaker.failed();
      // This request has given up on it: the relay need not wait out the grace period.
      await db.event
        .update({ where: { id: eventId }, data: { nextAttemptAt: new Date() } })
        .catch((err: unknown) => logger.warn({ err, eventId }, 'could not hand the event to the relay early'));
    }
    return { eventId, customerId, duplicate: false, delivered };
  }

  async function deliver(customerId: string, event: CustomerEvent): Promise<boolean> {
    try {
      // An event no version enters needs no planning in the workflow: it says so (src/core/state.ts).
      await customers.deliver(customerId, referenced.enters(event.type) ? event : { ...event, mayEnter: false });
      marks.mark(event.id);
      return true;
    } catch (err) {
      logger.warn({ err, eventId: event.id }, 'event stored, delivery deferred to the relay');
      return false;
    }
  }

  /** The answer for an event id stored before (a retried request, or a race with the same id). */
  async function duplicateOf(eventId: string): Promise<IngestResult> {
    const existing = await db.event.findUniqueOrThrow({ where: { id: eventId } });
    return {
      eventId,
      customerId: existing.customerId,
      duplicate: true,
      delivered: existing.deliveredAt !== null,
      ...(existing.unreferenced ? { unreferenced: true as const } : {}),
    };
  }

  /** Which items of a batch may run at once (src/ingestion/customer-lanes.ts). */
  const lanes = (refs: (CustomerRef | undefined)[]) => customerLanes(db, refs);

  /**
   * A batch's unreferenced events of known customers, stored in one statement
   * (src/ingestion/unreferenced-batch.ts); answers those it stored, the rest go through `ingest`.
   */
  const ingestUnreferenced = async (items: BatchItem[]) => {
    const answered = await storeUnreferencedBatch(
      db,
      items.filter((item) => !referenced.references(item.input.type)),
    );
    const stored = items.flatMap(({ index, input }) => {
      const result = answered.get(index);
      return result && !result.duplicate ? [{ customerId: result.customerId, type: input.type }] : [];
    });
    await segments?.afterEvents(stored);
    return answered;
  };

  /** Writes the delivered marks pending now: after a relay round, and on shutdown after the last request. */
  const flush = () => marks.flush();

  return { ingest, deliver, lanes, ingestUnreferenced, flush };
}

export type Ingestion = ReturnType<typeof createIngestion>;

/** Thrown inside the ingest transaction to roll it back: the event id is already stored. */
class Duplicate extends Error {}
