// UTC day arithmetic for the audience analyses: periods are whole UTC days, `to` included.
const DAY_MS = 86_400_000;

/** The day `n` days after a YYYY-MM-DD day (before, for negative `n`). */
export const addDays = (day: string, n: number): string =>
  new Date(Date.parse(day) + n * DAY_MS).toISOString().slice(0, 10);

export const utcDayAfter = (day: string): string => addDays(day, 1);

/** Days from `from` to `to`, both included. */
export const daysBetween = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;

/** As long as the period, ending the day before it. */
export function previousPeriod(p: { from: string; to: string }): { from: string; to: string } {
  return { from: addDays(p.from, -daysBetween(p.from, p.to)), to: addDays(p.from, -1) };
}

/** A share rounded to four places; 0 of nobody is 0. */
export const ratio = (part: number, whole: number): number =>
  whole ? Math.round((part / whole) * 10_000) / 10_000 : 0;
