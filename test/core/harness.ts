// Plays the outside world for the pure journey engine (src/core/engine.ts): answers its `call`
// commands from fake programs, profile and contact policy, moves a fake clock to the wake-ups it
// asks for, and keeps every step record, call and log it emits. No Temporal, no database: run with
// `npx jest test/core --globalSetup= --globalTeardown=` to skip the servers other suites need.
import type {
  Calls,
  CallName,
  EnrollmentCandidate,
  ProfileScope,
  ProgramControl,
  SendMessageInput,
  SendOutcome,
  StepRecord,
} from '../../src/core/calls';
import { evaluate, eventScope } from '../../src/core/conditions';
import { advance } from '../../src/core/engine';
import { nextWakeAt, quiescent, startJourney, type Command, type Input, type Journey } from '../../src/core/journey';
import { emptyState, type CustomerEvent, type CustomerState } from '../../src/core/state';
import type { Program } from '../../src/core/program';
import { compileProgram } from '../../src/programs/compile';
import { programDefinitionSchema } from '../../src/contracts/program-language/schema';
import type { ProgramDefinition, ProgramDefinitionInput } from '../../src/contracts/program-language/types';

export type Call = Extract<Command, { type: 'call' }>;
export type InputWithoutNow = Input extends infer I ? (I extends unknown ? Omit<I, 'now'> : never) : never;
/** How the world answers a call: a value, a failure for good, or not yet (the test answers it). */
export type Answer = { value: unknown } | { failure: string } | 'hold';

/** Monday 2026-06-01 10:00 UTC: far from any daylight-saving change. */
export const T0 = Date.parse('2026-06-01T10:00:00Z');
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** A definition with the schema's defaults applied, as the program service stores it. */
export function program(input: ProgramDefinitionInput): ProgramDefinition {
  return programDefinitionSchema.parse(input);
}

/** Live, never rolled back; a zero cache so a control change shows at the very next boundary. */
export function liveControl(over: Partial<ProgramControl> = {}): ProgramControl {
  return { status: 'live', retired: null, migrateTo: null, cacheMs: 0, pauseRecheckMs: 10 * MINUTE, ...over };
}

interface FakeProgram {
  versions: Record<number, Program>;
  live: number;
  variant: string | null;
  /** Set: the stored definition does not parse, so planning offers it as `invalid`. */
  invalid?: string;
  controls: Record<number, ProgramControl>;
}

export class World {
  now: number;
  readonly journey: Journey;
  readonly records: StepRecord[] = [];
  /** Every call the engine made, in order. */
  readonly calls: Call[] = [];
  /** Calls not answered yet, oldest first. */
  readonly pending: Call[] = [];
  readonly logs: Extract<Command, { type: 'log' }>[] = [];
  /** What each sendMessage call was answered with, by message key. */
  readonly outcomes = new Map<string, SendOutcome | { failure: string }>();
  readonly programs = new Map<string, FakeProgram>();
  profile: ProfileScope = { profile: {}, traits: {} };
  policy: Calls['loadContactPolicy']['result'] = { caps: [], quietHours: null, timeZone: null };
  personalizedWait = { ms: 3 * HOUR, basis: 'fallback' };
  /** Decides how to answer a call; undefined falls back to the fake's default answer. */
  answer: (call: Call) => Answer | undefined = () => undefined;
  sendOutcome: (message: SendMessageInput) => SendOutcome = () => ({ status: 'sent', providerMessageId: 'pm' });
  private events = 0;

  constructor(state: CustomerState = emptyState('c1'), now = T0) {
    this.now = now;
    this.journey = startJourney(state);
  }

  get state(): CustomerState {
    return this.journey.state;
  }

  addProgram(
    id: string,
    def: ProgramDefinition | ProgramDefinitionInput,
    opts: { version?: number; variant?: string | null; control?: Partial<ProgramControl> } = {},
  ): this {
    const version = opts.version ?? 1;
    const p = this.programs.get(id) ?? { versions: {}, live: version, variant: opts.variant ?? null, controls: {} };
    p.versions[version] = compileProgram(program(def)); // parsing a parsed definition changes nothing
    p.live = version;
    p.controls[version] = liveControl(opts.control);
    this.programs.set(id, p);
    return this;
  }

  /** A program whose stored definition is broken: planning offers it as an `invalid` candidate. */
  addInvalidProgram(id: string, trigger: string, reason: string): this {
    this.addProgram(id, { name: id, entry: { event: trigger }, start: 'x', steps: { x: { kind: 'exit' } } });
    this.programs.get(id)!.invalid = reason;
    return this;
  }

  /** The program state a version's customers will read from now on (mutable). */
  control(id: string, version = this.programs.get(id)!.live): ProgramControl {
    return this.programs.get(id)!.controls[version]!;
  }

  // ---- driving ----------------------------------------------------------------------------

  /** Feeds one input at the current time and keeps what it commands; answers nothing yet. */
  feed(input: InputWithoutNow): Command[] {
    const commands = advance(this.journey, { ...input, now: this.now } as Input);
    for (const c of commands) {
      if (c.type === 'call') {
        this.calls.push(c);
        this.pending.push(c);
      } else if (c.type === 'record') this.records.push(c.record);
      else if (c.type === 'log') this.logs.push(c);
    }
    return commands;
  }

  /** A customer event with a fresh id (or the given one), then every call answered. */
  event(
    type: string,
    properties: Record<string, unknown> = {},
    id = `${this.state.customerId}-ev${++this.events}`,
  ): CustomerEvent {
    const event: CustomerEvent = { id, type, occurredAt: new Date(this.now).toISOString(), properties };
    this.feed({ type: 'event', event });
    this.settle();
    return event;
  }

  /**
   * Answers pending calls until none is left but those held. `pick` chooses which pending call
   * goes next (default: the oldest), so tests can reorder concurrent results.
   */
  settle(pick: (count: number) => number = () => 0): void {
    for (let guard = 0; guard < 10_000; guard++) {
      const ready = this.pending.filter((c) => this.decide(c) !== 'hold');
      if (ready.length === 0) return;
      this.respond(ready[pick(ready.length) % ready.length]!);
    }
    throw new Error('the engine keeps calling: more than 10000 calls in one settle');
  }

  /** Answers one pending call now, with its decided answer or the one given. */
  respond(call: Call, given?: Exclude<Answer, 'hold'>): void {
    const answer = given ?? this.decide(call);
    if (answer === 'hold') throw new Error(`call ${call.id} is held`);
    this.pending.splice(this.pending.indexOf(call), 1);
    if (call.name === 'sendMessage') {
      const key = (call.args as SendMessageInput).key;
      this.outcomes.set(key, 'failure' in answer ? answer : (answer.value as SendOutcome));
    }
    if ('failure' in answer) this.feed({ type: 'failure', callId: call.id, reason: answer.failure });
    else this.feed({ type: 'result', callId: call.id, value: answer.value });
  }

  /** Moves the clock to `t`, ticking at each wake-up on the way and answering every call. */
  advanceTo(t: number): void {
    this.settle();
    for (let guard = 0; guard < 10_000; guard++) {
      const wake = nextWakeAt(this.journey);
      if (wake === null || wake > t) break;
      this.now = Math.max(this.now, wake);
      this.feed({ type: 'tick' });
      this.settle();
    }
    this.now = Math.max(this.now, t);
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.now + ms);
  }

  /** Ticks from wake-up to wake-up until nothing wants one; throws if that never ends. */
  runToEnd(maxTicks = 1000): void {
    this.settle();
    for (let i = 0; i < maxTicks; i++) {
      const wake = nextWakeAt(this.journey);
      if (wake === null) return;
      if (wake <= this.now && i > 0 && this.pending.length === 0) {
        // A wake-up already due after a tick at it: the engine would be woken forever.
        throw new Error(`wake-up at ${new Date(wake).toISOString()} is not in the future after a tick`);
      }
      this.now = Math.max(this.now, wake);
      this.feed({ type: 'tick' });
      this.settle();
    }
    throw new Error(`still waking after ${maxTicks} ticks`);
  }

  quiescent(): boolean {
    return quiescent(this.journey);
  }

  // ---- reading what happened --------------------------------------------------------------

  /** An enrollment's records as "kind outcome" lines, for readable expectations. */
  trail(enrollmentId: string): string[] {
    return this.records.filter((r) => r.enrollmentId === enrollmentId).map((r) => `${r.kind} ${r.outcome}`);
  }

  recordsOf(enrollmentId: string, kind?: string): StepRecord[] {
    return this.records.filter((r) => r.enrollmentId === enrollmentId && (kind === undefined || r.kind === kind));
  }

  callsNamed<N extends CallName>(name: N): (Call & { args: Calls[N]['args'] })[] {
    return this.calls.filter((c) => c.name === name) as (Call & { args: Calls[N]['args'] })[];
  }

  messages(): SendMessageInput[] {
    return this.callsNamed('sendMessage').map((c) => c.args);
  }

  /** Messages the provider took (no policy skip, answered `sent`). */
  sent(): SendMessageInput[] {
    return this.messages().filter(
      (m) => !m.skipReason && (this.outcomes.get(m.key) as SendOutcome | undefined)?.status === 'sent',
    );
  }

  pendingNamed(name: CallName): Call[] {
    return this.pending.filter((c) => c.name === name);
  }

  // ---- the fake's answers -----------------------------------------------------------------

  private decide(call: Call): Answer {
    return this.answer(call) ?? this.defaultAnswer(call);
  }

  private defaultAnswer(call: Call): Answer {
    const args = call.args as Record<string, unknown>;
    switch (call.name) {
      case 'planEnrollments':
        return { value: this.planOf((args as Calls['planEnrollments']['args']).event) };
      case 'loadProgramVersion': {
        const def = this.programs.get(args.programId as string)?.versions[args.version as number];
        return def ? { value: def } : { failure: `no version ${String(args.version)} of ${String(args.programId)}` };
      }
      case 'programControl': {
        const control = this.programs.get(args.programId as string)?.controls[args.version as number];
        return control ? { value: { ...control } } : { failure: `no program ${String(args.programId)}` };
      }
      case 'loadProfile':
        return { value: structuredClone(this.profile) };
      case 'computePersonalizedWait':
        return { value: { ...this.personalizedWait } };
      case 'loadContactPolicy':
        return { value: structuredClone(this.policy) };
      case 'sendMessage':
        return {
          value: (args as unknown as SendMessageInput).skipReason
            ? { status: 'skipped', reason: 'policy' }
            : this.sendOutcome(args as unknown as SendMessageInput),
        };
      case 'recommendProducts':
        return {
          value: Array.from({ length: args.count as number }, (_, i) => ({
            productId: `sku${i + 1}`,
            name: `Product ${i + 1}`,
            price: 10 + i,
            score: 1 - i / 10,
          })),
        };
      case 'updateProfile':
        return { value: undefined };
    }
  }

  /** What the enrollment activity decides: the live version of each program this event triggers. */
  /** As the activity answers: the candidates and, when there are any, the contact policy. */
  private planOf(event: CustomerEvent): Calls['planEnrollments']['result'] {
    const candidates = this.plan(event);
    return { candidates, policy: candidates.length ? structuredClone(this.policy) : null };
  }

  private plan(event: CustomerEvent): EnrollmentCandidate[] {
    const candidates: EnrollmentCandidate[] = [];
    for (const [programId, p] of this.programs) {
      const def = p.versions[p.live]!;
      if (def.entry.event !== event.type) continue;
      const base = { programId, version: p.live, variant: p.variant };
      if (p.invalid) {
        candidates.push({ ...base, invalid: p.invalid });
        continue;
      }
      if (def.entry.where && !evaluate(def.entry.where, { ...this.profile, event: eventScope(event) })) continue;
      candidates.push({ ...base, definition: def, control: { ...p.controls[p.live]! } });
    }
    return candidates;
  }
}
