// Reading JSON and enum-text columns back from PostgreSQL. Each stored shape has one reader that
// checks the value where it leaves the database, so a malformed row (a hand edit, a bug, an older
// build's shape) fails there, naming its table, column and row, instead of as a TypeError or a
// wrong answer far from the row that caused it.
import type { z } from 'zod';
import { zodIssues } from '../contracts/issues';
import type { JsonObject } from '../contracts/schema-parts';

/** Where a stored value was read from. */
export interface StoredAt {
  table: string;
  column: string;
  /** The row's id, as an operator would look it up (`welcome v3`). */
  id: string;
}

/** A stored value is not of the shape its readers rely on: nothing a retry can mend. */
export class StoredJsonError extends Error {
  override name = 'StoredJsonError';
  constructor(at: StoredAt, problem: string) {
    super(`${at.table}.${at.column} of ${at.id} ${problem}`);
  }
}

/** Enough to find the fault by; a 1,000-entry column of bad entries need not list them all. */
const MAX_ISSUES = 3;

/**
 * `value` parsed with the schema its writer validated it with. For rows read off the hot path:
 * zod walks the whole value.
 */
export function parseStored<S extends z.ZodType>(schema: S, value: unknown, at: StoredAt): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = zodIssues(parsed.error).slice(0, MAX_ISSUES);
  throw new StoredJsonError(at, `is malformed: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
}

/**
 * A stored JSON object, checked at its top only: for the hot path, where walking it per read
 * would cost more than the query. Its values need no check to be JSON: jsonb holds nothing else.
 */
export function storedObject(value: unknown, at: StoredAt): JsonObject {
  if (isJsonObject(value)) return value;
  const found = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  throw new StoredJsonError(at, `is ${found}, not a JSON object`);
}

const isJsonObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
