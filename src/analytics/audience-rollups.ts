// Keeps the audience rollups (migrations 20261207071500_audience_rollups,
// 20261207120000_audience_active_days and 20261207130000_audience_seen_cohorts) current: folds the
// event deltas the writers appended into the per-day counts and the marked events into the
// customers' active days, and recomputes the customers whose order lines changed (or who were
// merged or erased), moving the difference into the orders per day and both kinds of cohort cells
// and rewriting their active days. Readers refresh first
// (`refreshForRead`), so an answer counts everything committed before it unless a large import's
// backlog is being worked off; an interval in each API process keeps the appended rows few when
// nobody reads.
import type { Logger } from 'pino';
import type { Db } from '../db/prisma';
import { addActiveDaysCtes, FOLD_ACTIVITY, MARKS_BATCH, RECOMPUTE_ACTIVE_CTES } from './audience-activity';
import { RECOMPUTE_SEEN_CTES } from './audience-seen';

/** One refresher at a time (across processes): two would each apply the same customer's difference. */
const LOCK = 0x61756469; // 'audi'
/** Customers recomputed per statement: bounds one statement's memory and lock time. */
const BATCH = 5_000;

const FOLD_EVENTS = `
  WITH folded AS (DELETE FROM audience_event_deltas RETURNING day, type, n)
  INSERT INTO audience_event_days AS d (day, type, n)
  SELECT day, type, sum(n) FROM folded GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (day, type) DO UPDATE SET n = d.n + excluded.n`;

/**
 * Messages of the days that turned 8 days old since the last round: their statuses have settled.
 * Counted by status, and their sent messages' customers added to the active days (kind messaged).
 */
const CLOSE_MESSAGE_DAYS = `
  WITH mark AS (
    SELECT coalesce((SELECT through FROM audience_watermarks WHERE name = 'messages'),
                    (SELECT min(created_at)::date - 1 FROM messages)) AS through,
           (now() AT TIME ZONE 'UTC')::date - 8 AS closed
  ), counted AS (
    INSERT INTO audience_message_days AS d (day, status, n)
    SELECT created_at::date, status, count(*) FROM messages, mark
     WHERE created_at >= mark.through + 1 AND created_at < mark.closed + 1
     GROUP BY 1, 2
    ON CONFLICT (day, status) DO UPDATE SET n = excluded.n
  ), sent AS (
    SELECT customer_id, 'messaged' AS kind, created_at::date AS day FROM messages, mark
     WHERE created_at >= mark.through + 1 AND created_at < mark.closed + 1 AND status = 'sent'
  ), ${addActiveDaysCtes('sent', 'messaged')}
  INSERT INTO audience_watermarks (name, through)
  SELECT 'messages', closed FROM mark WHERE through IS NULL OR closed > through
  ON CONFLICT (name) DO UPDATE SET through = excluded.through`;

/**
 * One statement, so one snapshot: the marks it takes, the order lines, events and messages it reads
 * and the buyer and active days it replaces agree. A mark committed after that snapshot is left
 * for the next round. Merges and erases mark their customers too: their active days are recomputed
 * with their buyer days (RECOMPUTE_ACTIVE_CTES says which kinds).
 */
const RECOMPUTE_BUYERS = `
  WITH taken AS (
    DELETE FROM audience_dirty_buyers
     WHERE ctid = ANY(ARRAY(SELECT ctid FROM audience_dirty_buyers LIMIT ${BATCH}))
    RETURNING customer_id
  ), dirty AS (SELECT DISTINCT customer_id FROM taken
  ), fresh AS (
    SELECT l.customer_id, l.ordered_at::date AS day, count(DISTINCT l.order_id)::int AS orders,
           sum(coalesce(l.price, 0) * l.quantity)::numeric(16, 2) AS revenue
      FROM order_lines l JOIN dirty USING (customer_id) GROUP BY 1, 2
  ), stale AS (
    SELECT b.customer_id, b.day, b.orders, b.revenue FROM audience_buyer_days b JOIN dirty USING (customer_id)
  ), day_changes AS (
    INSERT INTO audience_order_days AS d (day, orders, revenue)
    SELECT day, sum(orders), sum(revenue)
      FROM (SELECT day, orders, revenue FROM fresh UNION ALL SELECT day, -orders, -revenue FROM stale) x
     GROUP BY 1 ORDER BY 1
    ON CONFLICT (day) DO UPDATE SET orders = d.orders + excluded.orders, revenue = d.revenue + excluded.revenue
  ), months AS (
    SELECT sign, customer_id, month, revenue, min(month) OVER (PARTITION BY sign, customer_id) AS cohort
      FROM (SELECT sign, customer_id, date_trunc('month', day)::date AS month, sum(revenue) AS revenue
              FROM (SELECT 1 AS sign, * FROM fresh UNION ALL SELECT -1, * FROM stale) x
             GROUP BY 1, 2, 3) m
  ), cell_changes AS (
    INSERT INTO audience_cohort_cells AS c (cohort, month, customers, revenue)
    SELECT cohort, month, sum(sign), sum(sign * revenue) FROM months GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (cohort, month) DO UPDATE
      SET customers = c.customers + excluded.customers, revenue = c.revenue + excluded.revenue
  ), ${RECOMPUTE_SEEN_CTES}, written AS (
    INSERT INTO audience_buyer_days AS b (customer_id, day, orders, revenue)
    SELECT * FROM fresh ORDER BY 1, 2
    ON CONFLICT (customer_id, day) DO UPDATE SET orders = excluded.orders, revenue = excluded.revenue
  ), gone AS (
    DELETE FROM audience_buyer_days b USING stale s
     WHERE b.customer_id = s.customer_id AND b.day = s.day
       AND NOT EXISTS (SELECT FROM fresh f WHERE f.customer_id = s.customer_id AND f.day = s.day)
  ), ${RECOMPUTE_ACTIVE_CTES}
  SELECT count(*)::int AS taken FROM taken`;

/**
 * Batches of marks and of buyers per transaction: a backlog (an import, a first fold of every
 * event) is worked off in transactions of bounded length, each committing its progress, rather
 * than in one that the timeout would roll back whole, and the next round with it.
 */
const BATCHES_PER_TRANSACTION = 20;

/**
 * Brings the rollups up to date with everything committed before it started. A reader passes
 * `{ wait: false, batches }`: when another refresh is running (a large import's marks) it reads
 * what is there rather than queue behind it, and it folds at most `batches` of event marks and
 * recomputes at most `batches` of buyers itself.
 */
export async function refreshAudienceRollups(
  db: Db,
  options: { wait?: boolean; batches?: number } = {},
): Promise<void> {
  const { wait = true, batches = Infinity } = options;
  for (let done = 0; done < batches; done += BATCHES_PER_TRANSACTION) {
    const more = await refreshOnce(db, wait, Math.min(BATCHES_PER_TRANSACTION, batches - done));
    if (!more) return;
  }
}

/** One transaction of at most `batches` of each; whether a backlog is left (a last batch was full). */
async function refreshOnce(db: Db, wait: boolean, batches: number): Promise<boolean> {
  return db.$transaction(
    async (tx) => {
      if (wait) await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCK})`;
      else {
        const [{ locked }] = await tx.$queryRaw<
          [{ locked: boolean }]
        >`SELECT pg_try_advisory_xact_lock(${LOCK}) AS locked`;
        if (!locked) return false;
      }
      await tx.$executeRawUnsafe(FOLD_EVENTS);
      let marksLeft = false;
      for (let round = 0; round < batches; round++) {
        const [{ taken }] = await tx.$queryRawUnsafe<[{ taken: number }]>(FOLD_ACTIVITY);
        marksLeft = taken === MARKS_BATCH;
        if (!marksLeft) break;
      }
      await tx.$executeRawUnsafe(CLOSE_MESSAGE_DAYS);
      let buyersLeft = false;
      for (let round = 0; round < batches; round++) {
        const [{ taken }] = await tx.$queryRawUnsafe<[{ taken: number }]>(RECOMPUTE_BUYERS);
        buyersLeft = taken === BATCH;
        if (!buyersLeft) break;
      }
      return marksLeft || buyersLeft;
    },
    { timeout: 600_000, maxWait: 60_000 },
  );
}

/** What a read refreshes first: its answer is current unless a large backlog is being worked off. */
export const refreshForRead = (db: Db) => refreshAudienceRollups(db, { wait: false, batches: 4 });

/** Refreshes every `intervalMs` until stopped; a failed round is logged and the next one retries. */
export function startRollupRefresher(db: Db, logger: Logger, intervalMs = 30_000): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(() => refreshAudienceRollups(db, { wait: false }))
      .catch((err: unknown) => logger.warn({ err }, 'audience rollups not refreshed; the next round retries'));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
