// One `advance` (engine.ts): the customer's state it changes, the time it happens at and the
// commands it produces; and what a step may ask of it (steps.ts `StepContext`): calls, the program
// control and contact policy while fresh, contact slots, step records.
import {
  LOCAL_CALLS,
  type CallName,
  type Calls,
  type CustomerPolicy,
  type ProgramControl,
  type StepRecord,
} from './calls';
import { versionKey, type Command, type Journey } from './journey';
import {
  CONTACT_LOG_KEPT_MS,
  type CallPurpose,
  type ContactRecord,
  type CustomerState,
  type Enrollment,
  type RunState,
} from './state';
import { BLOCKED, type Blocked, type StepContext } from './steps';

/**
 * How long a contact policy read stays good for the next send: a send right after entry uses
 * the one the plan brought, saving a read; one after a longer wait reads it again.
 */
export const POLICY_FRESH_MS = 60_000;

export class Turn implements StepContext {
  readonly commands: Command[] = [];
  readonly state: CustomerState;
  readonly run: RunState;
  /** A cap slot was given back or settled during this turn: steps waiting on caps look again. */
  slotsChanged = false;

  constructor(
    readonly journey: Journey,
    readonly now: number,
  ) {
    this.state = journey.state;
    this.run = journey.run;
  }

  get customerId(): string {
    return this.state.customerId;
  }

  call<N extends CallName>(name: N, args: Calls[N]['args'], purpose: CallPurpose): string {
    const id = `${++this.run.nextCall}`;
    this.run.calls[id] = purpose;
    this.commands.push({ type: 'call', id, name, args, local: LOCAL_CALLS.has(name) });
    return id;
  }

  // ---- StepContext --------------------------------------------------------------------------

  ask<N extends CallName>(e: Enrollment, what: string, name: N, args: Calls[N]['args']): Calls[N]['result'] | Blocked {
    const results = e.progress.results;
    if (results && what in results) return results[what] as Calls[N]['result'];
    e.awaiting = this.call(name, args, { for: 'enrollment', enrollmentId: e.id, what });
    return BLOCKED;
  }

  control(e: Enrollment, notBefore: number): ProgramControl | Blocked {
    const cached = this.run.controls[versionKey(e.programId, e.version)];
    // Read in this very turn counts as fresh whatever `cacheMs` says, or a zero cache would ask forever.
    if (cached && cached.at >= notBefore && (this.now - cached.at < cached.control.cacheMs || cached.at === this.now))
      return cached.control;
    // `ask` hands back a stored answer: drop the stale one so that it asks anew.
    if (e.progress.results) delete e.progress.results.control;
    return this.ask(e, 'control', 'programControl', { programId: e.programId, version: e.version });
  }

  policy(e: Enrollment): CustomerPolicy | Blocked {
    const cached = this.run.policy;
    if (cached && (this.now - cached.at < POLICY_FRESH_MS || cached.at === this.now)) return cached.value;
    if (e.progress.results) delete e.progress.results.policy; // as in `control`
    return this.ask(e, 'policy', 'loadContactPolicy', { customerId: this.customerId });
  }

  contactLog(): readonly ContactRecord[] {
    return this.state.contactLog;
  }

  reserveContact(e: Enrollment, channel: string): void {
    this.state.contactLog = this.state.contactLog.filter((c) => this.now - c.at < CONTACT_LOG_KEPT_MS);
    this.state.contactLog.push({ channel, programId: e.programId, at: this.now, pending: true, enrollmentId: e.id });
  }

  record(e: Enrollment, kind: string, outcome: string, detail: Record<string, unknown> = {}): void {
    this.recordAs(e, { stepId: e.stepId, kind, outcome, detail });
  }

  // ---- output -------------------------------------------------------------------------------

  // Search attributes, so engineers can find the histories of a program's customers (no PII:
  // program ids). Only ever grows within a run, so a customer costs one update per new program.
  publish(): void {
    const programs = new Set(this.run.published);
    for (const e of this.state.enrollments) programs.add(e.programId);
    if (programs.size === this.run.published.length) return;
    this.run.published = [...programs].sort();
    this.commands.push({ type: 'publish', programs: this.run.published });
  }

  recordAs(
    e: Pick<Enrollment, 'id' | 'programId' | 'version' | 'variant' | 'seq'>,
    r: Pick<StepRecord, 'stepId' | 'kind' | 'outcome' | 'detail'>,
  ): void {
    this.commands.push({
      type: 'record',
      record: {
        id: `${e.id}/${e.seq++}`,
        customerId: this.customerId,
        enrollmentId: e.id,
        programId: e.programId,
        version: e.version,
        variant: e.variant,
        ...r,
        at: this.now,
      },
    });
  }

  // A refused entry has no enrollment; its record takes the id the enrollment would have had.
  recordRefusal(
    base: Pick<Enrollment, 'id' | 'programId' | 'version' | 'variant'>,
    detail: Record<string, unknown>,
  ): void {
    this.commands.push({
      type: 'record',
      record: {
        id: `${base.id}/refused`,
        customerId: this.customerId,
        enrollmentId: base.id,
        programId: base.programId,
        version: base.version,
        variant: base.variant,
        stepId: '-',
        kind: 'enter',
        outcome: 'not entered',
        detail,
        at: this.now,
      },
    });
  }

  log(level: 'warn' | 'error', message: string, data: Record<string, unknown>): void {
    this.commands.push({ type: 'log', level, message, data });
  }
}
