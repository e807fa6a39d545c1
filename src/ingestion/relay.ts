// The outbox relay: delivers stored events whose signal did not go through (Temporal down, API
// crashed between write and signal), oldest first, with exponential backoff. Safe to run in
// several processes at once: rows are leased with SKIP LOCKED, and workflows dedupe by event id.
// An event whose type no program version in use references by now is marked delivered, not
// signalled: nothing would act on it, so it is neither retried nor left pending.
import type { Logger } from 'pino';
import type { Db } from '../db/prisma';
import type { ReferencedIndex } from '../programs/referenced-index';
import type { Ingestion } from './ingestion';
import type { CustomerEvent } from '../core/state';

const LEASE_MS = 30_000;
const MAX_BACKOFF_MS = 5 * 60_000;
/** Customers signalled at once in a round. */
const CONCURRENCY = 16;

export function createRelay(deps: {
  db: Db;
  ingestion: Pick<Ingestion, 'deliver' | 'flush'>;
  logger: Logger;
  referenced: Pick<ReferencedIndex, 'references'>;
  batchSize?: number;
}) {
  const { db, ingestion, logger, referenced } = deps;
  const batchSize = deps.batchSize ?? 200;

  /** Delivers one batch of due events: how many it delivered, and whether to go again at once. */
  async function round(): Promise<{ delivered: number; full: boolean }> {
    // Timestamps are stored in UTC without a zone (as Prisma writes them): compared with the UTC
    // clock, not the session's, or a server east of UTC would take fresh events and one west of
    // it would leave failed deliveries hours longer.
    const due = await db.$queryRaw<
      {
        id: string;
        customer_id: string;
        type: string;
        occurred_at: Date;
        properties: Record<string, unknown>;
        attempts: number;
      }[]
    >`
      UPDATE events SET next_attempt_at = (now() AT TIME ZONE 'UTC') + ${LEASE_MS} * interval '1 millisecond'
      WHERE id IN (
        SELECT id FROM events WHERE delivered_at IS NULL AND next_attempt_at <= now() AT TIME ZONE 'UTC'
        ORDER BY received_at LIMIT ${batchSize} FOR UPDATE SKIP LOCKED)
      RETURNING id, customer_id, type, occurred_at, properties, attempts`;
    due.sort((a, b) => a.occurred_at.getTime() - b.occurred_at.getTime());
    const unreferenced = due.filter((row) => !referenced.references(row.type)).map((row) => row.id);
    if (unreferenced.length)
      await db.event.updateMany({
        where: { id: { in: unreferenced } },
        data: { deliveredAt: new Date(), unreferenced: true },
      });
    const skip = new Set(unreferenced);
    // Each customer's events in order, on one lane; customers side by side, since a round is a
    // signal's round trip per event (a broadcast, a segment recompute: thousands at once).
    const lanes = new Map<string, typeof due>();
    for (const row of due)
      if (!skip.has(row.id)) lanes.set(row.customer_id, [...(lanes.get(row.customer_id) ?? []), row]);
    const waiting = [...lanes.values()];
    let delivered = 0;
    let failed = false;
    const runLanes = async () => {
      for (let rows = waiting.shift(); rows; rows = waiting.shift())
        for (const row of rows) {
          const event: CustomerEvent = {
            id: row.id,
            type: row.type,
            occurredAt: row.occurred_at.toISOString(),
            properties: row.properties,
          };
          if (await ingestion.deliver(row.customer_id, event)) {
            delivered++;
            continue;
          }
          // The customer's later events wait for the next round, behind this one.
          failed = true;
          const backoff = Math.min(1000 * 2 ** row.attempts, MAX_BACKOFF_MS);
          await db.event.update({
            where: { id: row.id },
            data: { attempts: { increment: 1 }, nextAttemptAt: new Date(Date.now() + backoff) },
          });
          break;
        }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, runLanes));
    await ingestion.flush();
    // A full round that signalled everything suggests a backlog; after a failure, wait.
    return { delivered, full: due.length === batchSize && !failed };
  }

  /** Delivers one batch of due events; returns how many were delivered. */
  const deliverDue = async () => (await round()).delivered;

  /** Runs a round every `intervalMs` until stopped; at once after a full one, while a backlog lasts. */
  function start(intervalMs = 1000): { stop(): Promise<void> } {
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        let full = false;
        try {
          const taken = await round();
          full = taken.full;
          if (taken.delivered > 0) logger.info({ delivered: taken.delivered }, 'relay delivered deferred events');
        } catch (err) {
          logger.warn({ err }, 'relay round failed; retrying');
        }
        if (!full) await new Promise((r) => setTimeout(r, intervalMs));
      }
    })();
    return {
      stop: async () => {
        stopped = true;
        await loop;
      },
    };
  }

  return { deliverDue, start };
}
