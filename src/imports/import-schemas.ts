// What one row of each import kind may hold: zod schemas that take CSV cells (strings) and NDJSON
// values (typed) alike, and the types derived from them. Rows obey the API's input rules
// (src/contracts/schema-parts.ts): a row that breaks one is a failed row naming the field,
// decided before its batch is written.
import { z } from 'zod';
import { jsonObject, plausibleTime, storable } from '../contracts/schema-parts';
import { identifySchema } from '../contracts/requests/customer-schema';

/** One problem with one row; `row` is the 1-based line of the file (a CSV's header is line 1). */
export const rowErrorSchema = z.strictObject({ row: z.number().int(), path: z.string(), message: z.string() });
export type RowError = z.output<typeof rowErrorSchema>;

const INT_MAX = 2_147_483_647;

const text = (max: number) =>
  z
    .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string') })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .check(storable);
// Upstream systems often export numeric ids; they are the same id as their decimal string.
const id = z.preprocess((v) => (typeof v === 'number' ? String(v) : v), text(256));
const number = () => z.coerce.number({ error: 'must be a number' });
const wholeNumber = (min: number) =>
  number().int('must be a whole number').min(min, `must be ${min} or more`).max(INT_MAX, 'is too large');
// numeric(12,2): anything larger would fail the whole batch in PostgreSQL, so it fails the row here.
const price = number().min(0, 'must be 0 or more').max(9_999_999_999.99, 'is too large');
// A JSON object as NDJSON gives it, or as JSON text in a CSV cell; depth, NUL and `__proto__` as in the API.
const jsonCell = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v; // left as a string, so the object check below reports it
  }
}, jsonObject);
// The profile's zone check builds an Intl.DateTimeFormat (~0.3 ms); a file names few zones, so
// each verdict is remembered (up to a bound, since the values come from uploads).
const zoneVerdicts = new Map<string, string | null>();
const timezone = z.string().superRefine((tz, ctx) => {
  let problem = zoneVerdicts.get(tz);
  if (problem === undefined) {
    const result = identifySchema.shape.timezone.safeParse(tz);
    problem = result.success ? null : (result.error.issues[0]?.message ?? 'is not a time zone');
    if (zoneVerdicts.size < 1000) zoneVerdicts.set(tz, problem);
  }
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});
const instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: 'must be an ISO 8601 date-time such as 2025-03-01T10:00:00Z',
  })
  .check(plausibleTime)
  .transform((s) => new Date(s));

const CUSTOMER_FIELDS = new Set(['id', 'email', 'loyaltyId', 'anonymousId', 'timezone', 'traits']);

const customerFields = z.object({
  id,
  email: z
    .email('must be an email address')
    .max(256)
    .transform((e) => e.toLowerCase())
    .optional(),
  loyaltyId: id.optional(),
  anonymousId: id.optional(),
  timezone: timezone.optional(),
  traits: jsonCell.optional(),
});

/**
 * Every column besides the known ones is a trait (`firstName`, `city`, ...). Those columns are
 * checked together as one JSON object, as a traits object is, and from the row as read: a parsed
 * zod object would already have dropped a `__proto__` column rather than refuse it.
 */
export const customerRowSchema = z.custom<Record<string, unknown>>().transform((record, ctx) => {
  const fields = customerFields.safeParse(record);
  // fromEntries defines each key as data, so a `__proto__` column stays a key for the check to refuse.
  const columns = jsonObject.safeParse(
    Object.fromEntries(Object.entries(record).filter(([k]) => !CUSTOMER_FIELDS.has(k))),
  );
  if (!fields.success || !columns.success) {
    for (const { path, message } of [...(fields.error?.issues ?? []), ...(columns.error?.issues ?? [])])
      ctx.addIssue({ code: 'custom', path, message, input: record });
    return z.NEVER;
  }
  const { id, email, loyaltyId, anonymousId, timezone, traits } = fields.data;
  return {
    id,
    timezone,
    traits: { ...columns.data, ...traits },
    identifiers: [
      ...(email ? [{ kind: 'email', value: email }] : []),
      ...(loyaltyId ? [{ kind: 'loyaltyId', value: loyaltyId }] : []),
      ...(anonymousId ? [{ kind: 'anonymousId', value: anonymousId }] : []),
    ],
  };
});

// Strict: a misspelt column (`targetstock`) should fail loudly, not be dropped.
export const productRowSchema = z.strictObject({
  id,
  name: text(500),
  category: text(200).optional(),
  price: price.optional(),
  stock: wholeNumber(0),
  targetStock: wholeNumber(0).optional(),
  attributes: jsonCell.optional(),
});

export const purchaseRowSchema = z.strictObject({
  orderId: id,
  customerId: id,
  productId: id,
  quantity: wholeNumber(1).default(1),
  price: price.optional(),
  orderedAt: instant,
});

export type CustomerRow = z.output<typeof customerRowSchema>;
export type ProductRow = z.output<typeof productRowSchema>;
export type PurchaseRow = z.output<typeof purchaseRowSchema>;

// JSON's number grammar; a cell of this shape is a number only if it is also how JSON writes that number.
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * The typing rule for a CSV cell that becomes a trait (README "Imports"): `true` and `false` are
 * booleans; a number written exactly as JSON writes it (`850`, `-12`, `0.5`) is a number; anything
 * else (`01234`, `850.50`, `1e3`, `TRUE`, digits beyond a double's precision) stays text as written.
 * So a condition such as `profile.points gte 500` sees the same type from a CSV column as from the
 * `traits` JSON column, which is also where a value that must stay text (`"850"`) goes.
 */
function csvTraitValue(cell: string): string | number | boolean {
  if (cell === 'true') return true;
  if (cell === 'false') return false;
  if (JSON_NUMBER.test(cell)) {
    const n = Number(cell);
    if (String(n) === cell) return n;
  }
  return cell;
}

/** A customer CSV row with its trait columns typed by csvTraitValue; the known fields stay text. */
export function typeCustomerCsvRow(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record).map(([k, v]) => [
      k,
      typeof v === 'string' && !CUSTOMER_FIELDS.has(k) ? csvTraitValue(v) : v,
    ]),
  );
}

/** Empty CSV cells and NDJSON nulls mean "not given", so optional fields stay optional. */
export function withoutBlanks(record: Record<string, unknown>): Record<string, unknown> {
  // fromEntries, not assignment: `out.__proto__ = v` would drop a `__proto__` field unseen instead of leaving it to be
  // refused.
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== '' && v !== null && v !== undefined));
}
