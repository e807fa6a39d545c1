// The parts every schema shares for what may reach PostgreSQL (request bodies, imported rows, the
// program language): strings it can store, plausible instants, and JSON objects walked once. So
// bad input is refused naming the field, decided before anything is written.
import { z } from 'zod';

/**
 * How deep objects and arrays may nest in properties, traits and a program definition (the field itself is level 1).
 */
export const MAX_JSON_DEPTH = 32;

/** Why a NUL is refused; also in a request's path or query (src/api/validate.ts). */
export const NUL = 'must not contain NUL (\\u0000) characters';
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why a string cannot be stored as sent: PostgreSQL refuses NUL in text and jsonb, and an unpaired surrogate has no
 * UTF-8 form.
 */
function unstorable(s: string): string | undefined {
  if (s.includes('\u0000')) return NUL;
  if (UNPAIRED_SURROGATE.test(s)) return 'must not contain unpaired surrogates (\\ud800-\\udfff)';
  return undefined;
}

const UNSTORABLE_CHARS = new RegExp(`\\u0000|${UNPAIRED_SURROGATE.source}`, 'g');

/**
 * `s` in a form PostgreSQL can store (a report that names a bad key, say): NUL and unpaired surrogates as `\u`
 * escapes.
 */
export function storableText(s: string): string {
  return unstorable(s) ? s.replace(UNSTORABLE_CHARS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : s;
}

/** For every string field that is stored: `z.string().check(storable)`. */
export const storable = z.superRefine<string>((s, ctx) => {
  const message = unstorable(s);
  if (message) ctx.addIssue({ code: 'custom', message, input: s });
});

/** A time zone name that Intl knows (IANA), for a program's default zone and a customer's own. */
export const ianaTimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as "Europe/Ljubljana"');

// Older than the product, or further ahead than any clock skew: a bug in the sender, not a real date.
const EARLIEST_TIME = Date.UTC(2000, 0, 1);
const MAX_AHEAD_MS = 24 * 3_600_000;

/**
 * For every stored instant given as ISO text (an event's timestamp, an imported order's date):
 * `.check(plausibleTime)`. Text that is not a date is left to the format check before it.
 */
export const plausibleTime = z.superRefine<string>((s, ctx) => {
  const t = Date.parse(s);
  if (Number.isNaN(t) || (t >= EARLIEST_TIME && t <= Date.now() + MAX_AHEAD_MS)) return;
  ctx.addIssue({ code: 'custom', message: 'must be between 2000-01-01 and 24 hours from now', input: s });
});

type Json = null | boolean | number | string | Json[] | JsonObject;
export type JsonObject = { [key: string]: Json };

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  [Object.prototype, null].includes(Object.getPrototypeOf(v));

/** Enough to fix a request by; a 5 MB body of bad strings need not list them all. */
const MAX_ISSUES = 10;

/**
 * A JSON object from a request (properties, traits, a program definition), passed through as
 * parsed. One iterative walk checks it: zod's own recursion overflows the stack on deep input and
 * cost seconds on deep program bodies. A `__proto__` key is refused (zod's records made it the
 * object's prototype, so it was dropped in some places and stored in others); `constructor` and
 * `prototype` are ordinary data, stored and read back as sent.
 */
export const jsonObject = z.custom<JsonObject>(isPlainObject, 'must be a JSON object').superRefine((root, ctx) => {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: root, path: [] }];
  let issues = 0;
  const issue = (path: (string | number)[], message: string) => {
    ctx.addIssue({ code: 'custom', path, message, input: root });
    issues++;
  };
  while (stack.length && issues < MAX_ISSUES) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      const message = unstorable(value);
      if (message) issue(path, message);
    } else if (typeof value !== 'object' || value === null) {
      if (!(value === null || typeof value === 'boolean' || Number.isFinite(value)))
        issue(path, 'must be a JSON value');
    } else if (path.length >= MAX_JSON_DEPTH) {
      issue(path, `nests deeper than ${MAX_JSON_DEPTH} levels`);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: [...path, i] });
    } else if (!isPlainObject(value)) {
      issue(path, 'must be a JSON value');
    } else {
      // Pushed in reverse, so issues come out in document order.
      for (const [key, v] of Object.entries(value).reverse()) {
        const message = key === '__proto__' ? '"__proto__" is not allowed as a key' : unstorable(key);
        if (message) issue([...path, key], key === '__proto__' ? message : `key ${message}`);
        else stack.push({ value: v, path: [...path, key] });
      }
    }
  }
});
