// A program condition's comparison as SQL over a jsonb value, judging exactly as the evaluator in
// src/core/conditions.ts does: equality is `===` (a missing value is unequal to everything, JSON
// null equals null), order compares numbers with numbers and strings with strings (byte order,
// as JavaScript's for the characters profiles hold), and mixed types never match. Every result is
// true or false, never NULL, so `NOT` and `OR` above it need no care.
import { escapeLiteral } from 'pg';
import type { Condition } from '../contracts/program-language/types';

type Comparison = Exclude<Condition, { all: unknown } | { any: unknown } | { not: unknown }>;
type Scalar = string | number | boolean | null;

/** A JSON value as a jsonb literal. */
export const jsonLiteral = (value: Scalar): string => `${escapeLiteral(JSON.stringify(value))}::jsonb`;

/** A string as an SQL literal. */
export const textLiteral = (value: string): string => escapeLiteral(value);

/** `all` / `any` / `not` over comparisons, each comparison's value read by `valueOf(field)`. */
export function conditionSql(condition: Condition, valueOf: (field: string) => string): string {
  if ('all' in condition) return `(${condition.all.map((c) => conditionSql(c, valueOf)).join(' AND ')})`;
  if ('any' in condition) return `(${condition.any.map((c) => conditionSql(c, valueOf)).join(' OR ')})`;
  if ('not' in condition) return `(NOT ${conditionSql(condition.not, valueOf)})`;
  return comparisonSql(condition, valueOf(condition.field));
}

/** One comparison of the jsonb expression `x` (SQL NULL: the path is missing). */
export function comparisonSql(c: Comparison, x: string): string {
  switch (c.op) {
    case 'exists':
      return `coalesce(jsonb_typeof(${x}) <> 'null', false)`;
    case 'eq':
      return `coalesce(${x} = ${jsonLiteral(c.value)}, false)`;
    case 'neq':
      return `(NOT coalesce(${x} = ${jsonLiteral(c.value)}, false))`;
    case 'in':
      return `coalesce(${x} = ANY(ARRAY[${c.value.map(jsonLiteral).join(', ')}]), false)`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[c.op];
      // CASE, not AND: PostgreSQL may cast before it tests the type, and a string will not cast.
      return typeof c.value === 'number'
        ? `(CASE WHEN jsonb_typeof(${x}) = 'number' THEN (${x})::numeric ${op} ${String(c.value)} ELSE false END)`
        : `(CASE WHEN jsonb_typeof(${x}) = 'string'` +
            ` THEN (${x} #>> '{}') COLLATE "C" ${op} ${textLiteral(c.value)} COLLATE "C" ELSE false END)`;
    }
    case 'contains': {
      const inString =
        typeof c.value === 'string' ? `WHEN 'string' THEN strpos(${x} #>> '{}', ${textLiteral(c.value)}) > 0 ` : '';
      const inArray = `WHEN 'array' THEN ${x} @> jsonb_build_array(${jsonLiteral(c.value)}) `;
      return `(CASE jsonb_typeof(${x}) ${inArray}${inString}ELSE false END)`;
    }
  }
}

/** `a.b.c` as a jsonb path literal for `#>`. */
export const pathLiteral = (parts: readonly string[]): string =>
  escapeLiteral(`{${parts.map((p) => `"${p.replace(/["\\]/g, (ch) => `\\${ch}`)}"`).join(',')}}`);
