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

export function createRelay(deps: {
  db: Db;
  ingestion: Ingestion;
  logger: Logger;
  referenced: Pick<ReferencedIndex, 'references'>;
  batchSize?: number;
}) {
  const { db, ingestion, logger, referenced } = deps;

  /** Delivers one batch of due events; returns how many were delivered. */
  async function deliverDue(): Promise<number> {
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
        ORDER BY received_at LIMIT ${deps.batchSize ?? 200} FOR UPDATE SKIP LOCKED)
      RETURNING id, customer_id, type, occurred_at, properties, attempts`;
    due.sort((a, b) => a.occurred_at.getTime() - b.occurred_at.getTime());
    const unreferenced = due.filter((row) => !referenced.references(row.type)).map((row) => row.id);
    if (unreferenced.length)
      await db.event.updateMany({
        where: { id: { in: unreferenced } },
        data: { deliveredAt: new Date(), unreferenced: true },
      });
    const skip = new Set(unreferenced);
    const blocked = new Set<string>();
    let delivered = 0;
    for (const row of due) {
      if (skip.has(row.id)) continue;
      // Keep each customer's events in order: after one fails, the rest wait for the next round.
      if (blocked.has(row.customer_id)) continue;
      const event: CustomerEvent = {
        id: row.id,
        type: row.type,
        occurredAt: row.occurred_at.toISOString(),
        properties: row.properties,
      };
      if (await ingestion.deliver(row.customer_id, event)) {
        delivered++;
      } else {
        blocked.add(row.customer_id);
        const backoff = Math.min(1000 * 2 ** row.attempts, MAX_BACKOFF_MS);
        await db.event.update({
          where: { id: row.id },
          data: { attempts: { increment: 1 }, nextAttemptAt: new Date(Date.now() + backoff) },
        });
      }
    }
    await ingestion.flush();
    return delivered;
  }

  /** Runs `deliverDue` every `intervalMs` until stopped. */
  function start(intervalMs = 1000): { stop(): Promise<void> } {
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        try {
          const n = await deliverDue();
          if (n > 0) logger.info({ delivered: n }, 'relay delivered deferred events');
        } catch (err) {
          logger.warn({ err }, 'relay round failed; retrying');
        }
        await new Promise((r) => setTimeout(r, intervalMs));
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
