// The engine's public shape: a customer's journey (their carried state and what this run keeps
// beside it), what goes in (inputs) and what comes out (commands), and what the driver asks of it
// between inputs. `advance` (engine.ts) does the work.
import type { CallName, StepRecord } from './calls';
import type { Program } from './program';
import {
  SEEN_EVENT_IDS_KEPT,
  type CustomerEvent,
  type CustomerState,
  type Enrollment,
  type Handover,
  type RunState,
} from './state';

/** A customer's state and what the engine keeps beside it for the current run. */
export interface Journey {
  state: CustomerState;
  run: RunState;
}

export type Input = { now: number } &
  /** A run begins: carried enrollments go on. */
  (
    | { type: 'start' }
    | { type: 'event'; event: CustomerEvent }
    /** A merged customer's journey, to take over. */
    | { type: 'absorb'; handover: Handover }
    /** This customer turned out to be `survivorId`. */
    | { type: 'mergeInto'; survivorId: string }
    /** The run is about to continue as new or end: take no further event. */
    | { type: 'handover' }
    | { type: 'result'; callId: string; value: unknown }
    | { type: 'failure'; callId: string; reason: string }
    /** Time has passed (a wake-up time has come). */
    | { type: 'tick' }
  );

export type Command =
  | { type: 'call'; id: string; name: CallName; args: unknown; local: boolean }
  | { type: 'record'; record: StepRecord }
  /** The programs this customer is in this run, for finding their histories (no PII). */
  | { type: 'publish'; programs: string[] }
  | { type: 'log'; level: 'warn' | 'error'; message: string; data: Record<string, unknown> };

export function startJourney(state: CustomerState): Journey {
  return {
    state,
    run: {
      programs: {},
      controls: {},
      policy: null,
      calls: {},
      nextCall: 0,
      planning: null,
      handingOver: false,
      seen: new Set(state.seenEventIds),
      published: [],
    },
  };
}

/** The earliest time a parked enrollment wants a `tick`, or null. */
export function nextWakeAt({ state }: Journey): number | null {
  let next: number | null = null;
  for (const e of state.enrollments)
    if (e.wakeAt !== null && !e.awaiting && (next === null || e.wakeAt < next)) next = e.wakeAt;
  return next;
}

/** Nothing in flight: every enrollment is parked and no event is being applied. Safe to carry. */
export function quiescent({ state, run }: Journey): boolean {
  return (
    run.planning === null && Object.keys(run.calls).length === 0 && state.enrollments.every((e) => e.wakeAt !== null)
  );
}

/** The definition an enrollment runs on, if this run has loaded it. */
export function definitionOf({ run }: Journey, e: Pick<Enrollment, 'programId' | 'version'>): Program | undefined {
  return run.programs[versionKey(e.programId, e.version)];
}

export function versionKey(programId: string, version: number): string {
  return `${programId}@${version}`;
}

/** Remembers an applied event's id (the last SEEN_EVENT_IDS_KEPT), so a redelivery is ignored. */
export function rememberEvent({ state, run }: Journey, eventId: string): void {
  run.seen.add(eventId);
  state.seenEventIds.push(eventId);
  while (state.seenEventIds.length > SEEN_EVENT_IDS_KEPT) run.seen.delete(state.seenEventIds.shift()!);
}
