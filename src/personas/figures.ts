// The persona's arithmetic: each figure beside the base's, and the index that reads as "2.3× the
// average". Money arrives as exact decimal text and is summed in cents, so rounding is the same
// wherever the figure is computed.

/** A decimal amount (numeric as text) in whole cents. */
export const centsOf = (amount: string): number => Math.round(Number(amount) * 100);

/** Rounded to `places` decimals. */
const round = (x: number, places: number): number => Math.round(x * 10 ** places) / 10 ** places;

/** A share rounded to four places; 0 of nobody is 0. */
export const ratio = (part: number, whole: number): number => (whole ? round(part / whole, 4) : 0);

/** An amount in cents per head, in currency to the cent; 0 over nobody. */
export const perHead = (cents: number, n: number): number => (n ? Math.round(cents / n) / 100 : 0);

/** A mean to two places; 0 over nobody. */
export const mean = (total: number, n: number): number => (n ? round(total / n, 2) : 0);

/** The segment's value over the base's, to two places; null when the base's is 0. */
export const indexOf = (segment: number, base: number): number | null => (base ? round(segment / base, 2) : null);

export interface Figure {
  segment: number;
  base: number;
  index: number | null;
}

export const figure = (segment: number, base: number): Figure => ({ segment, base, index: indexOf(segment, base) });
