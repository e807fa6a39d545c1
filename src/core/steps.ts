// What each kind of step does. A step runs again from its top whenever something it waits for
// happens (a call's result, a wake-up, a matching event), so each one goes on from the facts in
// `e.progress` and `e.wakeAt` rather than from where a coroutine stopped: that is what lets the
// state be plain data, carried across continue-as-new and tested without Temporal.
import type { CallName, Calls, CustomerPolicy, ProgramControl, SendOutcome } from './calls';
import { conditionFields, evaluate, eventScope } from './conditions';
import { breachedCap, hasPendingSlot, quietUntil } from './contact-policy';
import type { CompiledStep as Step, CompiledStepOf as StepOf, Program } from './program';
import type { ContactRecord, Enrollment } from './state';
import { formatLocal, nextAllowedTime, resolveTimeZone } from './time';

/**
 * The step cannot go on until a call returns or its wake-up time comes (or, with `exitReason`
 * set, the customer must leave: the engine ends the enrollment).
 */
export const BLOCKED = Symbol('blocked');
export type Blocked = typeof BLOCKED;

/** What a step did: where to go next (null: the journey is complete) and what to record. */
export interface StepResult {
  next: string | null;
  outcome: string;
  detail?: Record<string, unknown>;
}

/** What steps may use of the engine's turn. */
export interface StepContext {
  readonly now: number;
  readonly customerId: string;
  /** The call's result once it is back; until then BLOCKED (the call is made once). */
  ask<N extends CallName>(e: Enrollment, what: string, name: N, args: Calls[N]['args']): Calls[N]['result'] | Blocked;
  /** The customer's contact policy: the run's own if fresh enough, else read. */
  policy(e: Enrollment): CustomerPolicy | Blocked;
  /** The program state, read no earlier than `notBefore` and fresh enough to reuse. */
  control(e: Enrollment, notBefore: number): ProgramControl | Blocked;
  record(e: Enrollment, kind: string, outcome: string, detail?: Record<string, unknown>): void;
  contactLog(): readonly ContactRecord[];
  /** Takes a slot under the caps for this enrollment's send, pending until it comes back. */
  reserveContact(e: Enrollment, channel: string): void;
}

/** The one profile field time steps read. */
const TIME_ZONE = ['profile.timezone'];

export function runStep(x: StepContext, e: Enrollment, step: Step, def: Program): StepResult | Blocked {
  switch (step.kind) {
    case 'wait':
      return park(x, e, () => x.now + step.durationMs) ? waited(step.next, e) : BLOCKED;
    case 'waitUntil':
      return waitUntil(x, e, step, def);
    case 'waitPersonalized':
      return waitPersonalized(x, e, step, def);
    case 'waitForEvent':
      return waitForEvent(x, e, step);
    case 'branch':
      return branch(x, e, step);
    case 'send':
      return send(x, e, step, def);
    case 'recommend': {
      const recs = x.ask(e, 'recommend', 'recommendProducts', {
        customerId: x.customerId,
        entryEvent: e.entryEvent,
        count: step.count,
      });
      if (recs === BLOCKED) return BLOCKED;
      e.recommendations = recs;
      return { next: step.next, outcome: 'recommended', detail: { products: recs.map((r) => r.productId) } };
    }
    case 'update': {
      const done = x.ask(e, 'update', 'updateProfile', {
        customerId: x.customerId,
        set: step.set,
        addTags: step.addTags,
        removeTags: step.removeTags,
      });
      return done === BLOCKED ? BLOCKED : { next: step.next, outcome: 'updated' };
    }
    case 'exit':
      return { next: null, outcome: 'exit_step' };
    default:
      throw new Error(`unknown step kind: ${JSON.stringify(step satisfies never)}`);
  }
}

/**
 * Parks the enrollment until its wake-up time (computed by `until` the first time), or earlier
 * when `early` holds. True once it may go on.
 */
function park(x: StepContext, e: Enrollment, until: () => number, early = false): boolean {
  e.wakeAt ??= until();
  if (x.now < e.wakeAt && !early) return false;
  e.wakeAt = null;
  return true;
}

function waited(next: string, e: Enrollment): StepResult {
  return { next, outcome: 'waited', detail: { visit: e.visits[e.stepId] } };
}

function timeZoneOf(x: StepContext, e: Enrollment, def: Program): string | Blocked {
  const scope = x.ask(e, 'profile', 'loadProfile', { customerId: x.customerId, fields: TIME_ZONE });
  return scope === BLOCKED ? BLOCKED : resolveTimeZone(scope.profile.timezone as string | null, def.timezone);
}

function waitUntil(x: StepContext, e: Enrollment, step: StepOf<'waitUntil'>, def: Program): StepResult | Blocked {
  if (e.wakeAt === null) {
    const zone = timeZoneOf(x, e, def);
    if (zone === BLOCKED) return BLOCKED;
    e.wakeAt = nextAllowedTime(x.now, step, zone);
    e.progress.detail = { until: formatLocal(e.wakeAt, zone), timeZone: zone };
  }
  if (!park(x, e, () => e.wakeAt!)) return BLOCKED;
  return { next: step.next, outcome: 'waited', detail: e.progress.detail ?? {} };
}

function waitPersonalized(
  x: StepContext,
  e: Enrollment,
  step: StepOf<'waitPersonalized'>,
  def: Program,
): StepResult | Blocked {
  if (e.wakeAt === null) {
    const timeZone = timeZoneOf(x, e, def);
    if (timeZone === BLOCKED) return BLOCKED;
    const wait = x.ask(e, 'wait', 'computePersonalizedWait', {
      customerId: x.customerId,
      strategy: step.strategy,
      nowMs: x.now,
      timeZone,
    });
    if (wait === BLOCKED) return BLOCKED;
    e.wakeAt = x.now + wait.ms;
    e.progress.detail = { basis: wait.basis };
  }
  if (!park(x, e, () => e.wakeAt!)) return BLOCKED;
  return { next: step.next, outcome: 'waited', detail: e.progress.detail ?? {} };
}

function waitForEvent(x: StepContext, e: Enrollment, step: StepOf<'waitForEvent'>): StepResult | Blocked {
  // The engine sets `matched` when a fitting event arrives while the step listens.
  e.waitingFor = step.event.type;
  if (!park(x, e, () => x.now + step.timeoutMs, e.matched !== null)) return BLOCKED;
  e.waitingFor = null;
  if (e.matched) return { next: step.next.matched, outcome: 'matched', detail: { eventId: e.matched.id } };
  return { next: step.next.timedOut, outcome: 'timedOut' };
}

function branch(x: StepContext, e: Enrollment, step: StepOf<'branch'>): StepResult | Blocked {
  const fields = step.cases.flatMap((c) => conditionFields(c.when));
  const scope = x.ask(e, 'profile', 'loadProfile', { customerId: x.customerId, fields });
  if (scope === BLOCKED) return BLOCKED;
  const index = step.cases.findIndex((c) => evaluate(c.when, { ...scope, event: eventScope(e.entryEvent) }));
  if (index === -1) return { next: step.default, outcome: 'default' };
  return { next: step.cases[index]!.next, outcome: `case ${index}` };
}

/**
 * A send goes through stages: hold while the program is paused; read the contact policy; then,
 * at the moment of taking a slot, wait out quiet hours (or skip) and hold again if the night
 * brought a pause; take a slot under the caps (or skip, or wait for a pending slot to settle);
 * send. Transactional programs skip the policy.
 */
function send(x: StepContext, e: Enrollment, step: StepOf<'send'>, def: Program): StepResult | Blocked {
  const p = e.progress;
  const detail = { template: step.template };
  const governed = def.priority !== 'transactional';
  p.stage ??= 'hold';
  if (p.stage === 'hold') {
    if (!holdWhilePaused(x, e) || e.exitReason !== null) return BLOCKED;
    p.stage = governed ? 'policy' : 'send';
  }
  if (p.stage === 'policy') {
    const policy = x.policy(e);
    if (policy === BLOCKED) return BLOCKED;
    (p.results ??= {}).policy = policy;
    p.stage = 'cap';
  }
  if (p.stage === 'quiet') {
    if (!park(x, e, () => e.wakeAt!)) return BLOCKED;
    p.stage = 'rehold';
  }
  if (p.stage === 'rehold') {
    // The program may have been paused or stopped while the customer waited out the night.
    if (!holdWhilePaused(x, e) || e.exitReason !== null) return BLOCKED;
    p.stage = 'cap';
  }
  if (p.stage === 'cap') {
    const policy = p.results!.policy as CustomerPolicy;
    // Quiet hours are judged when the slot would be taken, not only when the policy came back:
    // a wait for a pending slot, or a slow state read after the night, can run into them.
    const quietEnd = quietUntil(x.now, policy.quietHours, resolveTimeZone(policy.timeZone, def.timezone));
    if (quietEnd !== null && def.quietHours === 'hold') {
      p.stage = 'quiet';
      e.wakeAt = quietEnd;
      return BLOCKED;
    }
    const cap = quietEnd !== null ? null : breachedCap(x.contactLog(), step.channel, policy.caps, x.now);
    // A slot held by a send still under way may yet be given back (its customer unsubscribed
    // from that program's group, say): wait for it to settle, so a message that does not go
    // out never caps another.
    if (cap && hasPendingSlot(x.contactLog(), step.channel)) return BLOCKED;
    if (quietEnd !== null || cap) {
      p.stage = 'skip';
      p.skip = quietEnd !== null ? 'quiet hours' : `cap (${cap})`;
    } else {
      x.reserveContact(e, step.channel);
      p.stage = 'send';
    }
  }
  const message = {
    key: `${e.id}/${e.stepId}/${e.visits[e.stepId] ?? 1}`,
    customerId: x.customerId,
    enrollmentId: e.id,
    programId: e.programId,
    version: e.version,
    variant: e.variant,
    stepId: e.stepId,
    channel: step.channel,
    ...(step.url ? { url: step.url } : {}),
    templateId: step.template,
    entryEvent: e.entryEvent,
    recommendations: e.recommendations,
    scheduledAt: x.now,
    ...(p.skip ? { skipReason: p.skip } : {}),
  };
  const outcome = x.ask(e, 'send', 'sendMessage', message);
  if (outcome === BLOCKED) return BLOCKED;
  if (p.skip) return { next: step.next, outcome: `skipped: ${p.skip}`, detail };
  if (outcome.status === 'sent') return { next: step.next, outcome: 'sent', detail };
  if (outcome.status === 'skipped') return { next: step.next, outcome: `skipped: ${outcome.reason}`, detail };
  return { next: step.onFailure ?? null, outcome: `failed: ${outcome.reason}`, detail };
}

/**
 * What a send's result does to the contact log, applied as soon as it is back (even if the
 * customer is leaving): a reserved slot is kept if the message went out, else given back; an
 * ungoverned (transactional) message is logged without counting against caps.
 */
export function settleSend(e: Enrollment, def: Program, outcome: SendOutcome, log: ContactRecord[], now: number): void {
  const step = def.steps[e.stepId] as StepOf<'send'>;
  if (e.progress.skip) return;
  if (def.priority === 'transactional') {
    if (outcome.status === 'sent')
      log.push({ channel: step.channel, programId: e.programId, at: now, transactional: true });
    return;
  }
  const i = log.findIndex((c) => c.pending && c.enrollmentId === e.id && c.channel === step.channel);
  if (i === -1) return;
  if (outcome.status === 'sent') log[i] = { channel: step.channel, programId: e.programId, at: log[i]!.at };
  else log.splice(i, 1);
}

/**
 * A paused program holds its customers before each send until it is resumed (or stopped, when
 * they exit), asking again every `pauseRecheckMs`. `held` records the hold once. True once the
 * send may go on (or the customer must leave: `exitReason` is then set).
 */
function holdWhilePaused(x: StepContext, e: Enrollment): boolean {
  for (;;) {
    if (e.wakeAt !== null) {
      if (x.now < e.wakeAt) return false;
      e.progress.heldUntil = x.now; // the next answer must be newer than the wake-up
      e.wakeAt = null;
    }
    const control = x.control(e, e.progress.heldUntil ?? 0);
    if (control === BLOCKED) return false;
    if (control.status !== 'paused') {
      delete e.held;
      e.exitReason ??= endReason(control);
      return true;
    }
    if (!e.held) x.record(e, 'send', 'held', { reason: 'program paused' });
    e.held = true;
    e.wakeAt = x.now + control.pauseRecheckMs;
  }
}

/** Why a program's state makes its customers leave, or null. */
export function endReason(control: ProgramControl): string | null {
  if (control.status === 'stopped' || control.status === 'archived') return 'program stopped';
  if (control.retired !== null) return 'version rolled back';
  return null;
}
