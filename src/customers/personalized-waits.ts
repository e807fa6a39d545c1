// Waits computed from the customer's own behaviour: their purchase cadence or best engagement hour.
import type { PersonalizedWaitInput } from '../core/calls';
import { localHour, nextAllowedTime } from '../core/time';
import type { Db } from '../db/prisma';

const DAY_MS = 86_400_000;

/** How long to wait, in ms, from the customer's purchase cadence or best engagement hour. */
export async function computePersonalizedWait(
  db: Db,
  input: PersonalizedWaitInput,
): Promise<{ ms: number; basis: string }> {
  const { strategy } = input;
  if (strategy.type === 'purchaseCadence') {
    const rows = await db.$queryRaw<{ day: Date }[]>`
      SELECT DISTINCT date_trunc('day', ordered_at) AS day FROM order_lines
      WHERE customer_id = ${input.customerId} ORDER BY day`;
    if (rows.length < 2) return { ms: strategy.fallbackMs, basis: 'fallback: fewer than 2 purchase days' };
    const gaps = rows.slice(1).map((r, i) => (r.day.getTime() - rows[i]!.day.getTime()) / DAY_MS);
    const medianDays = median(gaps);
    const raw = medianDays * strategy.factor * DAY_MS;
    const ms = Math.min(Math.max(raw, strategy.minMs), strategy.maxMs);
    return { ms, basis: `median ${medianDays.toFixed(1)} days between purchases x ${strategy.factor}` };
  }
  const hour = (await bestEngagementHour(db, input.customerId, input.timeZone)) ?? strategy.defaultHour;
  const at = `${String(hour).padStart(2, '0')}:00`;
  return {
    ms: nextAllowedTime(input.nowMs, { at }, input.timeZone) - input.nowMs,
    basis: `best hour ${at} ${input.timeZone}`,
  };
}

/** The local hour at which the customer most often opened or clicked, or null with no history. */
async function bestEngagementHour(db: Db, customerId: string, timeZone: string): Promise<number | null> {
  const rows = await db.event.findMany({
    where: { customerId, type: { in: ['email_opened', 'email_clicked'] } },
    select: { occurredAt: true },
    orderBy: { occurredAt: 'desc' },
    take: 200,
  });
  if (rows.length === 0) return null;
  const counts = new Map<number, number>();
  for (const r of rows) {
    const h = localHour(r.occurredAt.getTime(), timeZone);
    counts.set(h, (counts.get(h) ?? 0) + 1);
  }
  // Ties go to the earlier hour, so the answer is stable.
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
