// The customer's journey state, owned by their workflow and carried across continue-as-new.
// Plain data only: it travels through history as a payload.
import type { EventMatch } from '../../src/programs/types';

export interface CustomerEvent {
  id: string;
  type: string;
  /** ISO-8601 time the event happened (client-supplied or time of receipt). */
  occurredAt: string;
  properties: Record<string, unknown>;
}

export interface Recommendation {
  productId: string;
  name: string;
  price: number | null;
  score: number;
}

/** One customer's passage through one program version. */
export interface Enrollment {
  /** Deterministic: `<programId>/<entry event id>`. */
  id: string;
  programId: string;
  version: number;
  variant: string | null;
  /** The entry key's value (e.g. the cart id) for keyed programs. */
  entryKey: string | null;
  entryEvent: CustomerEvent;
  enteredAt: number;
  stepId: string;
  /** How often each step was entered, so a loop's messages get distinct keys. */
  visits: Record<string, number>;
  /** Counter for this enrollment's step records. */
  seq: number;
  /** Absolute workflow time the current wait ends; survives continue-as-new. */
  wakeAt: number | null;
  /** The event type a waitForEvent step is listening for. */
  waitingFor: string | null;
  /** Set by the event loop when a waitForEvent step's event arrives. */
  matched: CustomerEvent | null;
  /** Parked before a send by a paused program (its `wakeAt` is the next check). */
  held?: boolean;
  /** Set when the customer must leave (goal reached, program stopped); ends any wait at once. */
  exitReason: string | null;
  recommendations: Recommendation[];
}

/** When a customer last entered a program under a key, for re-entry rules. */
export interface EntryRecord {
  count: number;
  lastEnteredAt: number;
}

export interface ContactRecord {
  channel: string;
  programId: string;
  at: number;
  /** Transactional messages are logged but never count against caps. */
  transactional?: boolean;
  /** The enrollment that reserved the slot, so its own send settles or gives back this record. */
  enrollmentId?: string;
  /** A slot reserved under the caps whose send has not come back yet: it may still be given back. */
  pending?: boolean;
}

/**
 * An enrollment that has ended without converting while its goal's attribution window is still
 * open: a goal event before `until` still counts as its conversion.
 */
export interface EndedEnrollment extends Pick<Enrollment, 'id' | 'programId' | 'version' | 'variant' | 'entryKey' | 'seq'> {
  goal: EventMatch;
  /** The program's entry key path, for goals that must match the same key. */
  keyPath?: string;
  /** Absolute workflow time the attribution window closes. */
  until: number;
}

export interface CustomerState {
  customerId: string;
  enrollments: Enrollment[];
  /** Keyed by `<programId>|<entry key>`. */
  entries: Record<string, EntryRecord>;
  /** Most recent event ids, oldest first, for dedupe of redelivered signals. */
  seenEventIds: string[];
  contactLog: ContactRecord[];
  /** Events received and not yet processed. */
  inbox: CustomerEvent[];
  /** Ended enrollments whose goal may still be reached, oldest first (at most `ENDED_KEPT`). */
  ended?: EndedEnrollment[];
  /** Journey states of merged customers, waiting to be taken over. */
  absorbed?: { fromCustomerId: string; state: CustomerState }[];
  /** Set when this customer merged into another: the run hands over and ends. */
  mergedInto?: string;
}

export const SEEN_EVENT_IDS_KEPT = 1000;
export const CONTACT_LOG_KEPT_MS = 31 * 24 * 3_600_000;
export const ENDED_KEPT = 200;

export function emptyState(customerId: string): CustomerState {
  return { customerId, enrollments: [], entries: {}, seenEventIds: [], contactLog: [], inbox: [] };
}
