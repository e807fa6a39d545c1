// The customer's journey state, owned by their workflow and carried across continue-as-new.
// Plain data only: it travels through history as a payload.

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
  /** Journey states of merged customers, waiting to be taken over. */
  absorbed?: { fromCustomerId: string; state: CustomerState }[];
  /** Set when this customer merged into another: the run hands over and ends. */
  mergedInto?: string;
}

export const SEEN_EVENT_IDS_KEPT = 1000;
export const CONTACT_LOG_KEPT_MS = 31 * 24 * 3_600_000;

export function emptyState(customerId: string): CustomerState {
  return { customerId, enrollments: [], entries: {}, seenEventIds: [], contactLog: [], inbox: [] };
}
