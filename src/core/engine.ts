// The journey engine: one customer's programs as a deterministic state machine. No Temporal, no
// I/O: `advance` takes what happened (an event, a call's result, the time passing) and returns
// what to do (make a call, write a step record, publish the customer's programs). The customer
// workflow (workflows/customer-workflow.ts) turns those commands into Temporal calls and their
// results back into inputs; tests drive it directly (test/core/).
//
// One event is applied at a time: dedupe, goals, waiting steps, then entry, which needs a call
// (`planEnrollments`); later events wait in the inbox meanwhile. Every enrollment runs step by
// step until it needs a call or a wake-up (steps.ts). A failure inside one enrollment (bad data,
// a call failed for good) ends that enrollment with an `error` step; the others go on.
import {
  LOCAL_CALLS,
  type CallName,
  type Calls,
  type CustomerPolicy,
  type Plan,
  type ProgramControl,
  type SendOutcome,
  type StepRecord,
} from './calls';
import { admit, entryRecordKey } from './admission';
import { convertEnded, keepGoalOpen } from './ended-goals';
import { matchesEvent } from './matching';
import { definitionOf, rememberEvent, versionKey, type Command, type Input, type Journey } from './journey';
import { absorb } from './merge';
import type { Program } from './program';
import {
  CONTACT_LOG_KEPT_MS,
  type CallPurpose,
  type ContactRecord,
  type CustomerEvent,
  type CustomerState,
  type Enrollment,
  type RunState,
} from './state';
import { BLOCKED, endReason, runStep, settleSend, type Blocked, type StepContext } from './steps';

/**
 * How long a contact policy read stays good for the next send: a send right after entry uses
 * the one the plan brought, saving a read; one after a longer wait reads it again.
 */
export const POLICY_FRESH_MS = 60_000;

/**
 * Applies one input and returns the commands it leads to. Updates `journey` in place (the
 * driver owns it; copying the state per event would cost more than the rest of the step).
 */
export function advance(journey: Journey, input: Input): Command[] {
  const turn = new Turn(journey, input.now);
  turn.apply(input);
  return turn.commands;
}

/** One `advance`: the state it changes, the time it happens at, the commands it produces. */
class Turn implements StepContext {
  readonly commands: Command[] = [];
  private readonly state: CustomerState;
  private readonly run: RunState;
  /** A cap slot was given back or settled during this turn: steps waiting on caps look again. */
  private slotsChanged = false;

  constructor(
    private readonly journey: Journey,
    readonly now: number,
  ) {
    this.state = journey.state;
    this.run = journey.run;
  }

  get customerId(): string {
    return this.state.customerId;
  }

  apply(input: Input): void {
    switch (input.type) {
      case 'start':
        break;
      case 'event':
        this.state.inbox.push(input.event);
        break;
      case 'absorb':
        (this.state.absorbed ??= []).push(input.handover);
        break;
      case 'mergeInto':
        this.state.mergedInto = input.survivorId;
        break;
      case 'handover':
        this.run.handingOver = true;
        break;
      case 'result':
      case 'failure':
        this.settle(input);
        break;
      case 'tick':
        break;
    }
    // Enrollments first: a carried or absorbed one asks for its definition, and events wait for it.
    this.runEnrollments();
    if (this.takeEvents()) this.runEnrollments();
    this.publish();
  }

  // ---- events -------------------------------------------------------------------------------

  /**
   * Applies waiting events (a merged customer's hand-over first) until one needs planning.
   * True if it applied any.
   */
  private takeEvents(): boolean {
    let took = false;
    while (this.run.planning === null && !this.run.handingOver && !this.loadingDefinitions()) {
      const handover = this.state.absorbed?.shift();
      if (handover) {
        absorb(this.journey, handover.state);
        this.runEnrollments(); // their definitions are asked for before the next event
        continue;
      }
      const event = this.state.inbox.shift();
      if (!event) break;
      if (this.run.seen.has(event.id)) continue; // a redelivered signal: its effect already happened
      took = true;
      rememberEvent(this.journey, event.id);
      this.deliver(event);
      if (event.mayEnter === false) continue;
      this.run.planning = event;
      this.call('planEnrollments', { customerId: this.customerId, event }, { for: 'plan', event });
    }
    return took;
  }

  // Goals first: a converting customer leaves, and their waiting step does not fire as well.
  private deliver(event: CustomerEvent): void {
    for (const e of this.state.enrollments) {
      const def = definitionOf(this.journey, e);
      if (!def || e.exitReason !== null) continue;
      if (def.goal && matchesEvent(def.goal.event, event, e, def.entry.key)) {
        const attributed = this.now - e.enteredAt <= def.goal.windowMs;
        this.record(e, 'goal', 'converted', { eventId: event.id, attributed });
        e.exitReason = 'goal';
        continue;
      }
      const step = def.steps[e.stepId];
      if (step?.kind === 'waitForEvent' && e.matched === null && matchesEvent(step.event, event, e, def.entry.key)) {
        e.matched = event;
      }
    }
    for (const x of convertEnded(this.state, event, this.now)) {
      this.recordAs(x, {
        stepId: '-',
        kind: 'goal',
        outcome: 'converted',
        detail: { eventId: event.id, attributed: true, afterExit: true },
      });
    }
  }

  /** The planned entries of `event`: each candidate is admitted (or refused, with a record). */
  private enroll(event: CustomerEvent, candidates: Plan['candidates']): void {
    for (const candidate of candidates) {
      const base = {
        id: `${candidate.programId}/${event.id}`,
        programId: candidate.programId,
        version: candidate.version,
        variant: candidate.variant,
      };
      // Bad data in one program (its entry rules, its definition) costs that program's entry only.
      try {
        if ('invalid' in candidate) throw new Error(candidate.invalid);
        const decision = admit(this.state, candidate, event, this.now);
        if (!decision.admitted) {
          this.recordRefusal(base, { reason: decision.reason, eventId: event.id });
          continue;
        }
        const { definition: def } = candidate;
        const key = versionKey(candidate.programId, candidate.version);
        this.run.programs[key] = def;
        this.run.controls[key] = { control: candidate.control, at: this.now };
        if (!def.steps[def.start]) throw new Error(`start step "${def.start}" is not a step`);
        const e: Enrollment = {
          ...base,
          entryKey: decision.entryKey,
          entryEvent: event,
          enteredAt: this.now,
          stepId: def.start,
          visits: { [def.start]: 1 },
          seq: 0,
          wakeAt: null,
          waitingFor: null,
          matched: null,
          exitReason: null,
          recommendations: [],
          progress: {},
        };
        const entryKey = entryRecordKey(candidate.programId, decision.entryKey);
        const previous = this.state.entries[entryKey];
        this.state.entries[entryKey] = { count: (previous?.count ?? 0) + 1, lastEnteredAt: this.now };
        this.state.enrollments.push(e);
        this.record(e, 'enter', 'entered', { trigger: event.type, eventId: event.id, entryKey: decision.entryKey });
      } catch (err) {
        this.recordRefusal(base, { reason: `error: ${messageOf(err)}`, eventId: event.id });
      }
    }
  }

  // ---- calls --------------------------------------------------------------------------------

  private call<N extends CallName>(name: N, args: Calls[N]['args'], purpose: CallPurpose): string {
    const id = `${++this.run.nextCall}`;
    this.run.calls[id] = purpose;
    this.commands.push({ type: 'call', id, name, args, local: LOCAL_CALLS.has(name) });
    return id;
  }

  private settle(input: Extract<Input, { type: 'result' | 'failure' }>): void {
    const purpose = this.run.calls[input.callId];
    if (!purpose) return;
    delete this.run.calls[input.callId];
    const failed = input.type === 'failure' ? input.reason : null;
    switch (purpose.for) {
      case 'plan':
        this.run.planning = null;
        // A failure for good (a malformed program row) costs this event its new enrollments,
        // never the customer's other programs.
        if (failed !== null)
          return this.log('error', 'cannot plan enrollments', { eventId: purpose.event.id, reason: failed });
        {
          const plan = (input as { value: Plan }).value;
          if (plan.policy) this.run.policy = { value: plan.policy, at: this.now };
          this.enroll(purpose.event, plan.candidates);
        }
        return;
      case 'definition':
        if (failed === null) this.run.programs[purpose.key] = (input as { value: Program }).value;
        for (const e of [...this.state.enrollments]) {
          if (e.awaiting !== input.callId) continue;
          delete e.awaiting;
          if (failed !== null) this.fail(e, failed);
        }
        return;
      case 'enrollment': {
        const e = this.state.enrollments.find((x) => x.id === purpose.enrollmentId);
        if (!e) return;
        delete e.awaiting;
        if (failed !== null) return this.fail(e, failed);
        const value = (input as { value: unknown }).value;
        (e.progress.results ??= {})[purpose.what] = value;
        if (purpose.what === 'control')
          this.run.controls[versionKey(e.programId, e.version)] = { control: value as ProgramControl, at: this.now };
        if (purpose.what === 'policy') this.run.policy = { value: value as CustomerPolicy, at: this.now };
        if (purpose.what === 'send') {
          settleSend(e, definitionOf(this.journey, e)!, value as SendOutcome, this.state.contactLog, this.now);
          this.slotsChanged = true;
        }
        return;
      }
    }
  }

  private loadingDefinitions(): boolean {
    return Object.values(this.run.calls).some((c) => c.for === 'definition');
  }

  /** The enrollment's definition; when this run has not loaded it, it is asked for. */
  private definitionFor(e: Enrollment, version = e.version): Program | Blocked {
    const key = versionKey(e.programId, version);
    const def = this.run.programs[key];
    if (def) return def;
    const inFlight = Object.entries(this.run.calls).find(([, c]) => c.for === 'definition' && c.key === key)?.[0];
    e.awaiting =
      inFlight ?? this.call('loadProgramVersion', { programId: e.programId, version }, { for: 'definition', key });
    return BLOCKED;
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

  // ---- enrollments --------------------------------------------------------------------------

  /** Runs every enrollment as far as it goes; again while one gave a cap slot back. */
  private runEnrollments(): void {
    do {
      this.slotsChanged = false;
      for (const e of [...this.state.enrollments]) {
        try {
          this.runEnrollment(e);
        } catch (err) {
          this.fail(e, messageOf(err));
        }
      }
    } while (this.slotsChanged);
  }

  private runEnrollment(e: Enrollment): void {
    for (;;) {
      if (e.awaiting !== undefined) return;
      let def = this.definitionFor(e);
      if (def === BLOCKED) return;
      if (e.exitReason !== null) return this.finish(e, def);
      // At a step boundary (not when resuming a step parked in a wait).
      if (!e.progress.checked && e.wakeAt === null) {
        const checked = this.checkpoint(e, def);
        if (checked === BLOCKED) return;
        def = checked;
        e.progress.checked = true;
        if (e.exitReason !== null) continue;
      }
      const step = def.steps[e.stepId];
      if (!step) throw new Error(`step "${e.stepId}" is not in ${e.programId} v${e.version}`);
      const result = runStep(this, e, step, def);
      if (result === BLOCKED) {
        if (e.exitReason !== null && e.awaiting === undefined) continue;
        return;
      }
      if (e.exitReason !== null) continue; // it must leave (goal, stop) while the step ran
      this.record(e, step.kind, result.outcome, { ...result.detail, next: result.next });
      if (result.next === null) e.exitReason = step.kind === 'exit' ? 'exit_step' : result.outcome;
      else moveTo(e, result.next);
    }
  }

  /**
   * The program's state at a step boundary: a stopped program or a rolled-back version makes the
   * customer exit; a live release with a step map for this step moves them onto it. Returns the
   * definition to go on with.
   */
  private checkpoint(e: Enrollment, def: Program): Program | Blocked {
    const control = this.control(e, 0);
    if (control === BLOCKED) return BLOCKED;
    const ended = endReason(control);
    if (ended) {
      e.exitReason = ended;
      return def;
    }
    // Experiment customers stay on their variant's version, or the experiment would measure nothing.
    const target = e.variant === null ? control.migrateTo?.steps[e.stepId] : undefined;
    if (!control.migrateTo || target === undefined) return def;
    const next = this.definitionFor(e, control.migrateTo.version);
    if (next === BLOCKED) return BLOCKED;
    this.record(e, 'migrate', 'migrated', {
      fromVersion: e.version,
      toVersion: control.migrateTo.version,
      toStep: target,
    });
    e.version = control.migrateTo.version;
    moveTo(e, target);
    return next;
  }

  /**
   * A step that failed for good (bad data, a call failed for good or out of retries) ends its own
   * enrollment with an error step and its reason; the customer's other enrollments go on.
   */
  private fail(e: Enrollment, reason: string): void {
    this.log('warn', 'enrollment failed', { enrollmentId: e.id, stepId: e.stepId, reason });
    this.record(e, 'error', 'failed', { reason });
    e.exitReason = 'error';
    // A slot it reserved for a send that never came back is given back, or others wait for it.
    const before = this.state.contactLog.length;
    this.state.contactLog = this.state.contactLog.filter((c) => !(c.pending && c.enrollmentId === e.id));
    if (this.state.contactLog.length !== before) this.slotsChanged = true;
    this.record(e, 'exit', 'error', { reason });
    this.remove(e, definitionOf(this.journey, e));
  }

  private finish(e: Enrollment, def: Program): void {
    this.record(e, 'exit', e.exitReason ?? 'completed');
    this.remove(e, def);
  }

  private remove(e: Enrollment, def: Program | undefined): void {
    const at = this.state.enrollments.indexOf(e);
    if (at !== -1) this.state.enrollments.splice(at, 1);
    e.wakeAt = null;
    if (def) keepGoalOpen(this.state, e, def, this.now);
  }

  // ---- output -------------------------------------------------------------------------------

  // Search attributes, so engineers can find the histories of a program's customers (no PII:
  // program ids). Only ever grows within a run, so a customer costs one update per new program.
  private publish(): void {
    const programs = new Set(this.run.published);
    for (const e of this.state.enrollments) programs.add(e.programId);
    if (programs.size === this.run.published.length) return;
    this.run.published = [...programs].sort();
    this.commands.push({ type: 'publish', programs: this.run.published });
  }

  private recordAs(
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
  private recordRefusal(
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

  private log(level: 'warn' | 'error', message: string, data: Record<string, unknown>): void {
    this.commands.push({ type: 'log', level, message, data });
  }
}

function moveTo(e: Enrollment, stepId: string): void {
  e.stepId = stepId;
  e.visits[stepId] = (e.visits[stepId] ?? 0) + 1;
  e.wakeAt = null;
  e.waitingFor = null;
  e.matched = null;
  e.progress = {};
}

function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 500);
}
