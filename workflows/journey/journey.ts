// The customer's journey coordinator: applies each event (dedupe, goals, waiting steps, new
// enrollments) and runs every enrollment as a coroutine of the interpreter.
import { msToNumber } from '@temporalio/common/lib/time';
import { isCancellation, log, patched, upsertSearchAttributes } from '@temporalio/workflow';
import { INTERPRETER_VERSION, INTERPRETER_VERSION_KEY, PROGRAMS_KEY } from '../search-attributes';
import type { ProgramControl } from '../../src/programs/program-control';
import type { ProgramDefinition } from '../../src/programs/types';
import type { EnrollmentCandidate } from '../../activities';
import { serialLocalActivities } from './activities';
import { admit, entryRecordKey } from './admission';
import { convertEnded, keepGoalOpen } from './ended-goals';
import { failureReason } from './failures';
import { runEnrollment, type InterpreterContext } from './interpreter';
import { matchesEvent } from './matching';
import { StepRecorder } from './recorder';
import {
  CONTACT_LOG_KEPT_MS, SEEN_EVENT_IDS_KEPT,
  type ContactRecord, type CustomerEvent, type CustomerState, type Enrollment,
} from './state';

/** What a step record needs of its enrollment, running or ended. */
type RecordOwner = Pick<Enrollment, 'id' | 'programId' | 'version' | 'variant' | 'seq'>;
/** Who a refused entry's record is about: the enrollment it would have been. */
type EntryBase = Pick<Enrollment, 'id' | 'programId' | 'version' | 'variant'>;

export class Journey {
  private readonly definitions = new Map<string, ProgramDefinition>();
  /** Program states by `programId@version`, with the workflow time they were read. */
  private readonly controls = new Map<string, { control: ProgramControl; at: number }>();
  private readonly local = serialLocalActivities();
  private readonly recorder = new StepRecorder(this.local, () => this.handingOver || (!this.handling && this.state.inbox.length === 0));
  private handingOver = false;
  private readonly seen: Set<string>;
  private handling = false;
  private publishedPrograms: string | undefined;
  readonly ctx: InterpreterContext;

  constructor(private readonly state: CustomerState) {
    this.seen = new Set(state.seenEventIds);
    this.ctx = {
      customerId: state.customerId,
      local: this.local,
      record: (e, stepId, kind, outcome, detail) => this.record(e, stepId, kind, outcome, detail),
      contacted: (e, channel, transactional) => this.logContact(e, channel, transactional ? { transactional } : {}),
      reserveContact: (e, channel) => this.logContact(e, channel, { pending: true, enrollmentId: e.id }),
      settleContact: (e, channel, sent) => this.settleContact(e, channel, sent),
      contactLog: () => this.state.contactLog,
      control: (e, fresh) => this.control(e, fresh),
      definitionOf: (programId, version) => this.definitionOf(programId, version),
    };
  }

  /** Restarts the coroutines of enrollments carried over from the previous run. */
  async resume(): Promise<void> {
    // try/catch around each await, not .catch(): an extra promise would shift when commands are
    // issued, and recorded histories would no longer replay.
    for (const e of [...this.state.enrollments]) {
      try {
        await this.definitionOf(e.programId, e.version);
      } catch (err) {
        this.fail(e, err);
        this.state.enrollments.splice(this.state.enrollments.indexOf(e), 1);
      }
    }
    for (const e of this.state.enrollments) this.start(e);
  }

  async handle(event: CustomerEvent): Promise<void> {
    if (this.seen.has(event.id)) return; // a redelivered signal: its effect already happened
    this.handling = true;
    try {
      this.remember(event.id);
      this.deliver(event);
      await this.enroll(event);
    } finally {
      this.handling = false;
    }
  }

  /**
   * Takes over a merged customer's journey: their enrollments continue here (their message keys
   * are unchanged, so nothing already sent goes again), and their entry history, contact log,
   * seen events and unprocessed events join this customer's.
   */
  async absorb(other: CustomerState): Promise<void> {
    for (const id of other.seenEventIds) if (!this.seen.has(id)) this.remember(id);
    for (const [key, entry] of Object.entries(other.entries)) {
      const mine = this.state.entries[key];
      this.state.entries[key] = mine
        ? { count: mine.count + entry.count, lastEnteredAt: Math.max(mine.lastEnteredAt, entry.lastEnteredAt) }
        : entry;
    }
    this.state.contactLog = [...this.state.contactLog, ...other.contactLog].sort((a, b) => a.at - b.at);
    if (other.ended?.length) this.state.ended = [...(this.state.ended ?? []), ...other.ended];
    this.state.inbox.push(...other.inbox);
    const mine = new Set(this.state.enrollments.map((e) => e.id));
    for (const e of other.enrollments) {
      if (mine.has(e.id)) continue;
      try {
        await this.definitionOf(e.programId, e.version);
      } catch (err) {
        this.fail(e, err);
        continue;
      }
      this.state.enrollments.push(e);
      this.start(e);
    }
  }

  /** The run is about to continue as new or end: write what is buffered even with events waiting. */
  prepareHandover(): void {
    this.handingOver = true;
  }

  /** True when every enrollment is parked in a wait and every record is written. */
  quiescent(): boolean {
    return !this.handling && this.recorder.idle() && this.state.enrollments.every((e) => e.wakeAt !== null);
  }

  definitionFor(e: Enrollment): ProgramDefinition | undefined {
    return this.definitions.get(`${e.programId}@${e.version}`);
  }

  // Goals first: a converting customer leaves, and their waiting step does not fire as well.
  private deliver(event: CustomerEvent): void {
    for (const e of this.state.enrollments) {
      const def = this.definitionFor(e);
      if (!def || e.exitReason !== null) continue;
      if (def.goal && matchesEvent(def.goal.event, event, e, def.entry.key)) {
        const attributed = Date.now() - e.enteredAt <= msToNumber(def.goal.window as never);
        this.record(e, e.stepId, 'goal', 'converted', { eventId: event.id, attributed });
        e.exitReason = 'goal';
        continue;
      }
      const step = def.steps[e.stepId];
      if (step?.kind === 'waitForEvent' && e.waitingFor !== null && e.matched === null && matchesEvent(step.event, event, e, def.entry.key)) {
        e.matched = event;
      }
    }
    for (const x of convertEnded(this.state, event, Date.now())) {
      this.record(x, '-', 'goal', 'converted', { eventId: event.id, attributed: true, afterExit: true });
    }
  }

  private async enroll(event: CustomerEvent): Promise<void> {
    // Retried while the database is away; a failure for good (a malformed program row) costs this
    // event its new enrollments, never the customer's workflow.
    let candidates: EnrollmentCandidate[];
    try {
      candidates = await this.local.planEnrollments({ customerId: this.state.customerId, event });
    } catch (err) {
      if (isCancellation(err)) throw err;
      log.error('cannot plan enrollments', { eventId: event.id, reason: failureReason(err) });
      return;
    }
    for (const candidate of candidates) {
      const now = Date.now();
      const base = { id: `${candidate.programId}/${event.id}`, programId: candidate.programId, version: candidate.version, variant: candidate.variant };
      // Bad data in one program (its entry rules, its definition) costs that program's entry only.
      // Inline, not a helper's promise: extra awaits would reorder commands in recorded histories.
      try {
        const decision = admit(this.state, candidate, event, now);
        if (!decision.admitted) {
          this.recordEntry(base, 'not entered', { reason: decision.reason, eventId: event.id });
          continue;
        }
        const def = await this.definitionOf(candidate.programId, candidate.version);
        this.begin(base, candidate, decision.entryKey, def, event, now);
      } catch (err) {
        if (isCancellation(err)) throw err;
        this.recordEntry(base, 'not entered', { reason: `error: ${failureReason(err)}`, eventId: event.id });
      }
    }
  }

  private begin(base: EntryBase, candidate: EnrollmentCandidate, entryKey: string | null, def: ProgramDefinition, event: CustomerEvent, now: number): void {
    // Histories from before program states have no `control` in their recorded plans.
    if (candidate.control) this.controls.set(`${candidate.programId}@${candidate.version}`, { control: candidate.control, at: now });
    const e: Enrollment = {
      ...base, entryKey, entryEvent: event, enteredAt: now, stepId: def.start,
      visits: { [def.start]: 1 }, seq: 0, wakeAt: null, waitingFor: null, matched: null, exitReason: null, recommendations: [],
    };
    const key = entryRecordKey(candidate.programId, entryKey);
    const previous = this.state.entries[key];
    this.state.entries[key] = { count: (previous?.count ?? 0) + 1, lastEnteredAt: now };
    this.state.enrollments.push(e);
    this.record(e, def.start, 'enter', 'entered', { trigger: event.type, eventId: event.id, entryKey });
    this.start(e);
  }

  private start(e: Enrollment): void {
    const def = this.definitionFor(e)!;
    this.publishPrograms();
    void this.run(e, def);
  }

  private async run(e: Enrollment, def: ProgramDefinition): Promise<void> {
    try {
      await runEnrollment(e, def, this.ctx);
    } catch (err) {
      this.fail(e, err);
    }
    this.state.enrollments.splice(this.state.enrollments.indexOf(e), 1);
    // Its definition now, which a step map may have moved to another version.
    keepGoalOpen(this.state, e, this.definitionFor(e) ?? def, Date.now());
    this.publishPrograms();
  }

  /**
   * A step that failed for good (bad data, a non-retryable activity failure, retries exhausted)
   * ends its own enrollment with an error step and its reason; the customer's other enrollments
   * go on.
   */
  private fail(e: Enrollment, err: unknown): void {
    if (isCancellation(err)) throw err;
    const reason = failureReason(err);
    log.warn('enrollment failed', { enrollmentId: e.id, stepId: e.stepId, reason });
    this.record(e, e.stepId, 'error', 'failed', { reason });
    e.exitReason = 'error';
    e.wakeAt = null;
    // A slot it reserved for a send that never came back is given back, or others wait for it.
    this.state.contactLog = this.state.contactLog.filter((c) => !(c.pending && c.enrollmentId === e.id));
    this.record(e, e.stepId, 'exit', 'error', { reason });
  }

  // Search attributes, so engineers can find the histories of a program's customers (no PII:
  // program ids and the interpreter version). Upserted only when the set changes.
  private publishPrograms(): void {
    if (!patched('search-attributes')) return;
    const programs = [...new Set(this.state.enrollments.map((e) => e.programId))].sort();
    const key = programs.join(',');
    if (key === this.publishedPrograms) return;
    this.publishedPrograms = key;
    upsertSearchAttributes([
      { key: PROGRAMS_KEY, value: programs },
      { key: INTERPRETER_VERSION_KEY, value: INTERPRETER_VERSION },
    ]);
  }

  private async definitionOf(programId: string, version: number): Promise<ProgramDefinition> {
    const key = `${programId}@${version}`;
    let def = this.definitions.get(key);
    if (!def) {
      def = await this.local.loadProgramVersion({ programId, version });
      this.definitions.set(key, def);
    }
    return def;
  }

  private async control(e: Enrollment, fresh = false): Promise<ProgramControl> {
    const key = `${e.programId}@${e.version}`;
    const cached = this.controls.get(key);
    if (cached && !fresh && Date.now() - cached.at < cached.control.cacheMs) return cached.control;
    const control = await this.local.programControl({ programId: e.programId, version: e.version });
    this.controls.set(key, { control, at: Date.now() });
    return control;
  }

  private record(e: RecordOwner, stepId: string, kind: string, outcome: string, detail: Record<string, unknown> = {}): void {
    this.recorder.push({
      id: `${e.id}/${e.seq++}`, customerId: this.state.customerId, enrollmentId: e.id, programId: e.programId,
      version: e.version, variant: e.variant, stepId, kind, outcome, detail, at: Date.now(),
    });
  }

  // A refused entry has no enrollment; its record takes the id the enrollment would have had.
  private recordEntry(base: EntryBase, outcome: string, detail: Record<string, unknown>): void {
    this.recorder.push({
      id: `${base.id}/refused`, customerId: this.state.customerId, enrollmentId: base.id, programId: base.programId,
      version: base.version, variant: base.variant, stepId: '-', kind: 'enter', outcome, detail, at: Date.now(),
    });
  }

  private logContact(e: Enrollment, channel: string, extra: Partial<ContactRecord>): void {
    const now = Date.now();
    this.state.contactLog = this.state.contactLog.filter((c) => now - c.at < CONTACT_LOG_KEPT_MS);
    this.state.contactLog.push({ channel, programId: e.programId, at: now, ...extra });
  }

  private settleContact(e: Enrollment, channel: string, sent: boolean): void {
    const log = this.state.contactLog;
    const i = log.findIndex((c) => c.pending && c.enrollmentId === e.id && c.channel === channel);
    if (i === -1) return;
    if (sent) log[i] = { channel, programId: e.programId, at: log[i]!.at };
    else log.splice(i, 1);
  }

  private remember(eventId: string): void {
    this.seen.add(eventId);
    this.state.seenEventIds.push(eventId);
    while (this.state.seenEventIds.length > SEEN_EVENT_IDS_KEPT) this.seen.delete(this.state.seenEventIds.shift()!);
  }
}
