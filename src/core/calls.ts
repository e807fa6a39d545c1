// What the engine asks of the outside world, and what it gets back: the contract between the
// engine (which decides) and the activities (which do the I/O). The worker's activities implement
// each call; the workflow driver runs them.
import type { ProgramStatus } from '../programs/program-states';
import type { PersonalizedStrategy, Program } from './program';
import type { ContactPolicy } from './contact-policy';
import type { CustomerEvent, Recommendation } from './state';

/** How long the engine may reuse a program state, and how often a held customer asks again. */
export interface ControlTiming {
  cacheMs: number;
  pauseRecheckMs: number;
}

/** What a program's state means for a customer already in it, asked at step boundaries. */
export interface ProgramControl extends ControlTiming {
  status: ProgramStatus;
  /** Why this version was rolled back, when it was. */
  retired: string | null;
  /** The live version whose step map moves this version's customers, and that map. */
  migrateTo: { version: number; steps: Record<string, string> } | null;
}

/**
 * A program version an event may enter, decided (and an experiment variant recorded) outside;
 * `invalid` when its stored definition does not parse, so only that program's entry is refused.
 */
export type EnrollmentCandidate = { programId: string; version: number; variant: string | null } & (
  | {
      definition: Program;
      /** The program's state as of this decision, so the engine need not ask again at once. */
      control: ProgramControl;
    }
  | { invalid: string }
);

/** The contact policy a send is judged by, with the customer's time zone for quiet hours. */
export type CustomerPolicy = ContactPolicy & { timeZone: string | null };

/** What an event may enter, and, when it may enter anything, the contact policy as of then. */
export interface Plan {
  candidates: EnrollmentCandidate[];
  policy: CustomerPolicy | null;
}

export interface ProfileScope {
  profile: Record<string, unknown>;
  traits: Record<string, unknown>;
}

/** Where in whose journey something happened: what a message and a step record both carry. */
interface StepRef {
  customerId: string;
  enrollmentId: string;
  programId: string;
  version: number;
  variant: string | null;
  stepId: string;
}

export interface SendMessageInput extends StepRef {
  /** Deterministic: `<enrollment id>/<step id>/<visit>`. */
  key: string;
  channel: 'email' | 'webhook';
  /** The webhook channel's endpoint. */
  url?: string;
  templateId: string;
  entryEvent: CustomerEvent;
  recommendations: Recommendation[];
  /** Time of the send decision. */
  scheduledAt: number;
  /** The contact policy decided against sending: record the skip, send nothing. */
  skipReason?: string;
}

export type SendOutcome =
  { status: 'sent'; providerMessageId: string | null } | { status: 'skipped' | 'failed'; reason: string };

/** One transition of an enrollment, as `journey_steps` stores it. */
export interface StepRecord extends StepRef {
  /** Deterministic (`<enrollment id>/<seq>`), so a retried write inserts nothing twice. */
  id: string;
  kind: string;
  outcome: string;
  detail: Record<string, unknown>;
  at: number;
}

export interface PersonalizedWaitInput {
  customerId: string;
  strategy: PersonalizedStrategy;
  nowMs: number;
  timeZone: string;
}

/** Every call by name: its one argument and its result. */
export interface Calls {
  planEnrollments: { args: { customerId: string; event: CustomerEvent }; result: Plan };
  loadProgramVersion: { args: { programId: string; version: number }; result: Program };
  programControl: { args: { programId: string; version: number }; result: ProgramControl };
  /** Only `fields` (paths such as `profile.timezone`) are returned. */
  loadProfile: { args: { customerId: string; fields: readonly string[] }; result: ProfileScope };
  computePersonalizedWait: { args: PersonalizedWaitInput; result: { ms: number; basis: string } };
  loadContactPolicy: { args: { customerId: string }; result: CustomerPolicy };
  sendMessage: { args: SendMessageInput; result: SendOutcome };
  recommendProducts: {
    args: { customerId: string; entryEvent: CustomerEvent; count: number };
    result: Recommendation[];
  };
  updateProfile: {
    args: { customerId: string; set?: Record<string, unknown>; addTags?: string[]; removeTags?: string[] };
    result: void;
  };
}

export type CallName = keyof Calls;

/**
 * Reads are `local`: cheap, recorded in history as one marker each, retried while the database
 * is away. Writes and sends are `remote`: retried through an outage of hours, and scheduled
 * only once the decision to make them is in history.
 */
export const LOCAL_CALLS: ReadonlySet<CallName> = new Set([
  'planEnrollments',
  'loadProgramVersion',
  'programControl',
  'loadProfile',
  'computePersonalizedWait',
  'loadContactPolicy',
]);
