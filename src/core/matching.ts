// Does an event satisfy an event match (goal or waitForEvent) for a given enrollment?
import type { EventMatch } from '../contracts/program-language/types';
import { evaluate, eventScope, readPath } from './conditions';
import type { CustomerEvent, Enrollment } from './state';

export function matchesEvent(
  match: EventMatch,
  event: CustomerEvent,
  enrollment: Pick<Enrollment, 'entryKey'>,
  keyPath: string | undefined,
): boolean {
  if (event.type !== match.type) return false;
  if (match.sameKey && (keyPath === undefined || entryKeyOf(event, keyPath) !== enrollment.entryKey)) return false;
  return !match.where || evaluate(match.where, { event: eventScope(event) });
}

/** The value at an entry key path (e.g. `properties.cartId`), as a string, or null if absent. */
export function entryKeyOf(event: CustomerEvent, keyPath: string): string | null {
  const value = readPath(event, keyPath);
  return value === undefined || value === null ? null : String(value);
}
