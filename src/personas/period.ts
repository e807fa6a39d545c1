// The size-over-time period: whole UTC days, `to` included; without one, the last 30 days or 12 weeks.
import type { PersonaQuery } from '../contracts/routes/personas';

const DAY_MS = 86_400_000;

export const addDays = (day: string, n: number): string =>
  new Date(Date.parse(day) + n * DAY_MS).toISOString().slice(0, 10);

/** Days from `from` to `to`, both included. */
export const daysBetween = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;

export function periodOf(query: PersonaQuery, now: Date): { from: string; to: string } {
  if (query.from && query.to) return { from: query.from, to: query.to };
  const to = now.toISOString().slice(0, 10);
  return { from: addDays(to, query.interval === 'day' ? -29 : -83), to };
}
