// The days and months the analytics page asks about: UTC days (YYYY-MM-DD) and months (YYYY-MM),
// as the audience routes take them.
const DAY_MS = 86_400_000;

export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The last `days` UTC days, today included. */
export function lastDays(days: number, now = Date.now()): { from: string; to: string } {
  return { from: utcDay(now - (days - 1) * DAY_MS), to: utcDay(now) };
}

/** The last `months` months, this one included. */
export function lastMonths(months: number, now = new Date()): { from: string; to: string } {
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1));
  return { from: first.toISOString().slice(0, 7), to: now.toISOString().slice(0, 7) };
}

export const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
export const money = (amount: number) => amount.toLocaleString(undefined, { maximumFractionDigits: 2 });
