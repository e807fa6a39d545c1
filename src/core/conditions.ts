// The condition language's evaluator: pure and deterministic, so the workflow (branches, waits,
// goals) and the enrollment activity (entry filters) judge conditions exactly alike.
import type { Condition } from '../contracts/program-language/types';
import type { CustomerEvent } from './state';

/** What a condition can read: `profile.*`, `traits.*` and `event.*`. */
export interface ConditionScope {
  profile?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  event?: Record<string, unknown>;
}

export function evaluate(condition: Condition, scope: ConditionScope): boolean {
  if ('all' in condition) return condition.all.every((c) => evaluate(c, scope));
  if ('any' in condition) return condition.any.some((c) => evaluate(c, scope));
  if ('not' in condition) return !evaluate(condition.not, scope);
  const actual = readPath(scope, condition.field);
  switch (condition.op) {
    case 'exists':
      return actual !== undefined && actual !== null;
    case 'eq':
      return actual === condition.value;
    case 'neq':
      return actual !== condition.value;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return compare(actual, condition.value, condition.op);
    case 'in':
      return condition.value.some((v) => v === actual);
    case 'contains':
      if (Array.isArray(actual)) return actual.some((v) => v === condition.value);
      return typeof actual === 'string' && typeof condition.value === 'string' && actual.includes(condition.value);
  }
}

/** Every path a condition reads (`profile.tier`, `event.properties.total`, ...). */
export function conditionFields(condition: Condition): string[] {
  if ('all' in condition) return condition.all.flatMap(conditionFields);
  if ('any' in condition) return condition.any.flatMap(conditionFields);
  if ('not' in condition) return conditionFields(condition.not);
  return [condition.field];
}

/** The shape every condition sees under `event.*`, wherever it is evaluated. */
export function eventScope(event: CustomerEvent): Record<string, unknown> {
  return { id: event.id, type: event.type, occurredAt: event.occurredAt, properties: event.properties };
}

/** Reads a dotted path such as `event.properties.cartId`; undefined when any part is missing. */
export function readPath(root: unknown, path: string): unknown {
  let node = root;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

// Numbers compare as numbers and strings (ISO dates among them) lexically; mixed types never match.
function compare(actual: unknown, expected: number | string, op: 'gt' | 'gte' | 'lt' | 'lte'): boolean {
  if (typeof actual !== typeof expected) return false;
  const a = actual as number | string;
  switch (op) {
    case 'gt':
      return a > expected;
    case 'gte':
      return a >= expected;
    case 'lt':
      return a < expected;
    case 'lte':
      return a <= expected;
  }
}
