// What a drill proves: every expected message reached the sink exactly once, its `messages` row
// says sent, and every event was applied once. Prints the counts, then the drill asserts them.
import { eventually } from '../../helpers/world';
import type { DrillWorld } from './drill-world';
import { emailOf, EVENTS_PER_CUSTOMER } from './load';
import { APPLIED_RESERVE_MS, SETTLE_TIMEOUT_MS, type DrillBudget } from './scale';

export interface Tally {
  expected: number;
  /** Expected recipients with at least one message in the sink. */
  delivered: number;
  /** Copies beyond the first, by recipient and by message key. */
  duplicated: number;
  lost: number;
  /**
   * Lost messages whose row says `sent`/`unconfirmed`: an attempt died during the provider call
   * and, SendGrid having no idempotency key, Kairos never risks a second copy (docs/ARCHITECTURE.md,
   * "Sending exactly once"). Only a worker killed mid-send can leave these; they are flagged, not silent.
   */
  inDoubt: number;
  /** Sink messages to nobody we expected. */
  unexpected: number;
  /** `messages` rows not `sent`, and rows beyond one per customer. */
  rowsNotSent: number;
  extraRows: number;
  /** The first rows not `sent`, as `key status reason`: what a failed verdict prints. */
  notSent: string[];
}

export async function tallyMessages(world: DrillWorld, prefix: string, customers: number): Promise<Tally> {
  const expected = new Set(Array.from({ length: customers }, (_, c) => emailOf(prefix, c)));
  const byRecipient = new Map<string, number>();
  const byKey = new Map<string, number>();
  let unexpected = 0;
  for (const m of world.sink.store.list()) {
    const to = m.to[0]!;
    if (!expected.has(to)) unexpected++;
    byRecipient.set(to, (byRecipient.get(to) ?? 0) + 1);
    const key = m.customArgs.message_key ?? `no-key:${m.id}`;
    byKey.set(key, (byKey.get(key) ?? 0) + 1);
  }
  const copies = (counts: Map<string, number>) => [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
  const delivered = [...expected].filter((e) => byRecipient.has(e)).length;
  const missing = [...expected].filter((e) => !byRecipient.has(e));
  const inDoubt = await world.database.db.message.count({
    where: { status: 'sent', reason: 'unconfirmed', recipient: { in: missing } },
  });
  // This drill's rows only (their keys name its events): drills in one file share a Temporal
  // server, so an earlier drill's send retried late (its worker killed) can reach this drill's
  // worker and write a row for a customer this database never had.
  const ours = { key: { contains: `/${prefix}-` } };
  const rows = await world.database.db.message.groupBy({ by: ['status'], where: ours, _count: true });
  const sent = rows.find((r) => r.status === 'sent')?._count ?? 0;
  const total = rows.reduce((sum, r) => sum + r._count, 0);
  const notSent = await world.database.db.message.findMany({
    where: { ...ours, status: { not: 'sent' } },
    select: { key: true, status: true, reason: true },
    take: 5,
  });
  return {
    notSent: notSent.map((m) => `${m.key} ${m.status} ${m.reason ?? ''}`.trim()),
    expected: expected.size,
    delivered,
    duplicated: Math.max(copies(byRecipient), copies(byKey)),
    lost: expected.size - delivered,
    inDoubt,
    unexpected,
    rowsNotSent: total - sent,
    extraRows: Math.max(0, total - expected.size),
  };
}

/** A moment for any straggling duplicate (an attempt still in flight) to arrive before counting. */
const STRAGGLERS_MS = 2000;

/**
 * Waits until every expected message is in the sink with its row sent, and the outbox has
 * delivered every event (the relay may still hold events an outage deferred), or the bound passes:
 * SETTLE_TIMEOUT_MS, cut short so that `appliedEvents` still has its reserve within the budget.
 */
export async function settleMessages(
  world: DrillWorld,
  prefix: string,
  customers: number,
  budget: DrillBudget,
): Promise<Tally> {
  await eventually(
    async () => {
      const t = await tallyMessages(world, prefix, customers);
      return (
        t.delivered + t.inDoubt === t.expected &&
        t.rowsNotSent === 0 &&
        (await world.database.db.event.count({ where: { deliveredAt: null } })) === 0
      );
    },
    Math.min(SETTLE_TIMEOUT_MS, budget.left(APPLIED_RESERVE_MS + STRAGGLERS_MS)),
    `all ${customers} messages sent`,
  ).catch(() => undefined); // the tally below tells what is missing
  await new Promise((r) => setTimeout(r, STRAGGLERS_MS));
  return tallyMessages(world, prefix, customers);
}

export interface Applied {
  /** Customers whose workflow has seen exactly their events. */
  complete: number;
  /** Customers whose workflow misses events (lost) or reports more than were sent. */
  missing: number;
  excess: number;
  /** Customers with other than one enrollment in the drill program (an entry applied twice, or never). */
  enrollmentsNotOne: number;
  /** Customers whose workflow answered no query before the budget's deadline (no worker, a stuck task). */
  unanswered: number;
}

/** One query's bound: a workflow no worker serves leaves its query pending until the server gives up. */
const QUERY_MS = 10_000;

/**
 * Every event applied once: each workflow saw its events exactly, and entered the program once.
 * A signal the relay delivered can still be waiting for its workflow task when the messages have
 * settled, so a customer short of events (or whose workflow did not answer) is asked again until
 * the budget's deadline; a lost event stays short. Each query is bounded, so this ends in time.
 */
export async function appliedEvents(
  world: DrillWorld,
  prefix: string,
  customers: number,
  budget: DrillBudget,
): Promise<Applied> {
  const ids = await world.database.db.customerIdentifier.findMany({
    where: { kind: 'email', value: { startsWith: `${prefix}-` } },
    select: { customerId: true },
  });
  const seen = new Map<string, number>();
  const deadline = Math.min(Date.now() + SETTLE_TIMEOUT_MS / 2, budget.deadline);
  const ask = async (customerId: string) => {
    const bound = Math.min(deadline, Date.now() + QUERY_MS);
    if (bound <= Date.now()) return;
    const state = await world.client
      .withDeadline(bound, () => world.services.deps.customers.journeyState(customerId))
      .catch(() => undefined);
    if (state) seen.set(customerId, state.eventsSeen);
  };
  const short = (id: string) => (seen.get(id) ?? -1) < EVENTS_PER_CUSTOMER;
  for (let asking = ids.map((i) => i.customerId); asking.length > 0 && Date.now() < deadline;) {
    await eachOf(asking, ask);
    asking = asking.filter(short);
    if (asking.length > 0) await new Promise((r) => setTimeout(r, 1000));
  }
  const distinct = await world.database.db.$queryRaw<{ customer_id: string; n: bigint }[]>`
    SELECT customer_id, count(DISTINCT enrollment_id) AS n FROM journey_steps WHERE program_id = 'drill-welcome'
    GROUP BY customer_id`;
  const enrolled = new Map(distinct.map((r) => [r.customer_id, Number(r.n)]));
  const applied: Applied = {
    complete: 0,
    missing: customers - ids.length,
    excess: 0,
    enrollmentsNotOne: 0,
    unanswered: 0,
  }; // missing: never stored at all
  for (const { customerId } of ids) {
    const n = seen.get(customerId);
    if (n === undefined) applied.unanswered++;
    else if (n === EVENTS_PER_CUSTOMER) applied.complete++;
    else if (n < EVENTS_PER_CUSTOMER) applied.missing++;
    else applied.excess++;
    if (enrolled.get(customerId) !== 1) applied.enrollmentsNotOne++;
  }
  return applied;
}

/** Eight at a time: 5,000 queries one by one would take a minute on a loaded machine. */
async function eachOf<T>(items: T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

export function printCounts(drill: string, t: Tally, applied: Applied, extra: Record<string, unknown> = {}): void {
  const line =
    `[drill ${drill}] expected ${t.expected}, delivered ${t.delivered}, duplicated ${t.duplicated}, ` +
    `lost ${t.lost} (in doubt ${t.inDoubt})` +
    ` | rows not sent ${t.rowsNotSent}${t.notSent.length ? ` (${t.notSent.join('; ')})` : ''}, ` +
    `extra rows ${t.extraRows}, unexpected ${t.unexpected}` +
    ` | events: customers complete ${applied.complete}, missing ${applied.missing}, excess ${applied.excess}, ` +
    `enrollments ≠ 1 ${applied.enrollmentsNotOne}, unanswered ${applied.unanswered}` +
    (Object.keys(extra).length ? ` | ${JSON.stringify(extra)}` : '');
  console.log(line);
}

/**
 * The drill's verdict: nothing lost, nothing doubled, every event applied once. `inDoubtAllowed`
 * (a worker killed mid-send only): a message lost in the provider call counts if its row is
 * flagged `unconfirmed`, the documented price of never sending twice; a silent loss never does.
 */
export function expectExactlyOnce(
  t: Tally,
  applied: Applied,
  customers: number,
  { inDoubtAllowed = false } = {},
): void {
  const lost = inDoubtAllowed ? t.lost - t.inDoubt : t.lost;
  expect({
    lost,
    duplicated: t.duplicated,
    unexpected: t.unexpected,
    rowsNotSent: t.rowsNotSent,
    extraRows: t.extraRows,
  }).toEqual({ lost: 0, duplicated: 0, unexpected: 0, rowsNotSent: 0, extraRows: 0 });
  expect(applied).toEqual({ complete: customers, missing: 0, excess: 0, enrollmentsNotOne: 0, unanswered: 0 });
}
