// The customer's journey state: what the engine (engine.ts) reads and updates, and what the
// customer's workflow carries across continue-as-new. Plain data only: it travels through history
// as a payload.
import type { EventMatch } from '../contracts/program-language/types';
import type { Program } from './program';
import type { CustomerPolicy, ProgramControl } from './calls';

export interface CustomerEvent {
  id: string;
  type: string;
  /** ISO-8601 time the event happened (client-supplied or time of receipt). */
  occurredAt: string;
  properties: Record<string, unknown>;
  /**
   * False when the API's index found no program version entered by this type
   * (src/programs/referenced-index.ts): the engine plans no enrollments for it, and it still
   * reaches goals and waits. Absent: plan.
   */
  mayEnter?: false;
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
  /** When the current wait ends; survives continue-as-new. */
  wakeAt: number | null;
  /** The event type a waitForEvent step is listening for. */
  waitingFor: string | null;
  /** Set when a waitForEvent step's event arrives. */
  matched: CustomerEvent | null;
  /** Parked before a send by a paused program (its `wakeAt` is the next check). */
  held?: boolean;
  /** Set when the customer must leave (goal reached, program stopped); ends any wait at once. */
  exitReason: string | null;
  recommendations: Recommendation[];
  /** The call this enrollment waits for, by id (`Command` `call`). */
  awaiting?: string;
  /** What the current step has learned and done so far; cleared when the step changes. */
  progress: StepProgress;
}

/** A step's facts, so a step the engine runs again (after a call, a wake-up) goes on where it was. */
interface StepProgress {
  /** The program state was checked at this step's boundary. */
  checked?: true;
  /** Call results by what they were for: `profile`, `policy`, `wait`, `send`, ... */
  results?: Record<string, unknown>;
  /** How far a send got: see steps.ts `send`. */
  stage?: 'hold' | 'policy' | 'quiet' | 'rehold' | 'cap' | 'send' | 'skip';
  /** What a wait's record says of how its end was chosen (a calendar wait's local time). */
  detail?: Record<string, unknown>;
  /** The contact policy skipped the send for this reason. */
  skip?: string;
  /** A paused program's customer woke at this time: the next state read must be newer. */
  heldUntil?: number;
}

/** When a customer last entered a program under a key, for re-entry rules. */
interface EntryRecord {
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
export interface EndedEnrollment extends Pick<
  Enrollment,
  'id' | 'programId' | 'version' | 'variant' | 'entryKey' | 'seq'
> {
  goal: EventMatch;
  /** The program's entry key path, for goals that must match the same key. */
  keyPath?: string;
  /** The attribution window closes. */
  until: number;
}

/** A merged customer's journey, waiting to be taken over. */
export interface Handover {
  fromCustomerId: string;
  state: CustomerState;
}

/** What the customer's workflow carries from run to run. */
export interface CustomerState {
  customerId: string;
  enrollments: Enrollment[];
  /** Keyed by `<programId>|<entry key>`. */
  entries: Record<string, EntryRecord>;
  /** Most recent event ids, oldest first, for dedupe of redelivered signals. */
  seenEventIds: string[];
  contactLog: ContactRecord[];
  /** Events received and not yet applied. */
  inbox: CustomerEvent[];
  /** Ended enrollments whose goal may still be reached, oldest first (at most `ENDED_KEPT`). */
  ended?: EndedEnrollment[];
  /** Journey states of merged customers, waiting to be taken over. */
  absorbed?: Handover[];
  /** Set when this customer merged into another: the run hands over and ends. */
  mergedInto?: string;
}

/** What the engine keeps within one run only: caches and calls in flight. Never carried. */
export interface RunState {
  /** Program versions by `programId@version`. */
  programs: Record<string, Program>;
  /** Program states by `programId@version`, with when they were read. */
  controls: Record<string, { control: ProgramControl; at: number }>;
  /** The customer's contact policy, with when it was read (a plan brings it along). */
  policy: { value: CustomerPolicy; at: number } | null;
  /** Calls in flight by id, with what their result is for. */
  calls: Record<string, CallPurpose>;
  nextCall: number;
  /** The event whose entries are being planned; later events wait in the inbox. */
  planning: CustomerEvent | null;
  /** Set when the run is about to continue as new or end: no further event is taken. */
  handingOver: boolean;
  /** Event ids of `seenEventIds`, for lookups. */
  seen: Set<string>;
  /** Programs this run has published (search attributes), sorted. */
  published: string[];
}

export type CallPurpose =
  | { for: 'plan'; event: CustomerEvent }
  | { for: 'definition'; key: string }
  | { for: 'enrollment'; enrollmentId: string; what: string };

export const SEEN_EVENT_IDS_KEPT = 1000;
export const CONTACT_LOG_KEPT_MS = 31 * 24 * 3_600_000;
export const ENDED_KEPT = 200;

export function emptyState(customerId: string): CustomerState {
  return { customerId, enrollments: [], entries: {}, seenEventIds: [], contactLog: [], inbox: [] };
}
