// Marks signalled events delivered, many per statement. The mark only keeps the relay from
// signalling an event again; a late or lost mark costs at most one redundant signal, which the
// workflow drops by event id. So marks wait up to `windowMs` and go out together, well inside the
// relay's grace for a fresh event (INLINE_DELIVERY_GRACE_MS), instead of one UPDATE per event.
import type { Logger } from 'pino';
import { sqlRows, type Db } from '../db/prisma';

/** Timestamps as Prisma writes them: UTC, without time zone. */
const MARK = `UPDATE events SET delivered_at = now() AT TIME ZONE 'UTC', attempts = attempts + 1
               WHERE id = ANY($1::text[]) AND delivered_at IS NULL`;

export interface DeliveredMarks {
  mark(eventId: string): void;
  /** Writes what is pending now; on shutdown, so the relay does not signal those again. */
  flush(): Promise<void>;
}

export function createDeliveredMarks(db: Db, logger: Logger, windowMs = 250, maxPending = 500): DeliveredMarks {
  let pending: string[] = [];
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    const ids = pending;
    pending = [];
    if (ids.length === 0) return writing;
    writing = writing
      .then(() => sqlRows(db, MARK, [ids]))
      .then(
        () => undefined,
        (err: unknown) =>
          logger.warn(
            { err, count: ids.length },
            'delivered marks not written; the relay will signal those events again',
          ),
      );
    return writing;
  }

  return {
    mark(eventId) {
      pending.push(eventId);
      if (pending.length >= maxPending) void flush();
      else timer ??= setTimeout(() => void flush(), windowMs).unref();
    },
    flush,
  };
}
