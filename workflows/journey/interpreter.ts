// Runs one enrollment through its program version, step by step. Each enrollment is its own
// coroutine inside the customer's workflow; waits park it with `wakeAt` set, which is what lets
// the workflow continue-as-new and resume it at the same point.
import { condition, patched } from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time';
import type { ProgramControl } from '../../src/programs/program-control';
import type { ProgramDefinition, Step, StepOf } from '../../src/programs/types';
import { remote, type LocalActivities } from './activities';
import { conditionFields, evaluate, eventScope } from './conditions';
import { breachedCap, hasPendingSlot, quietUntil } from './contact-policy';
import type { ContactRecord, Enrollment } from './state';
import { formatLocal, nextAllowedTime, resolveTimeZone } from './time';

/** The one profile field time steps read. */
const TIME_ZONE = ['profile.timezone'];

/** What a step did: where to go next (null: the journey is complete) and what to record. */
interface StepResult {
  next: string | null;
  outcome: string;
  detail?: Record<string, unknown>;
}

export interface InterpreterContext {
  customerId: string;
  /** This workflow's local activities, run one at a time. */
  local: LocalActivities;
  record(e: Enrollment, stepId: string, kind: string, outcome: string, detail?: Record<string, unknown>): void;
  /** Logs a message that went out without a reservation (a program free of caps). */
  contacted(e: Enrollment, channel: string, transactional: boolean): void;
  /** Takes a slot under the caps before the send, pending until `settleContact`. */
  reserveContact(e: Enrollment, channel: string): void;
  /** Keeps the enrollment's reserved slot when its message went out, or gives it back. */
  settleContact(e: Enrollment, channel: string, sent: boolean): void;
  contactLog(): readonly ContactRecord[];
  /** The program's state for this enrollment: cached for `cacheMs`, unless `fresh`. */
  control(e: Enrollment, fresh?: boolean): Promise<ProgramControl>;
  definitionOf(programId: string, version: number): Promise<ProgramDefinition>;
}

export async function runEnrollment(e: Enrollment, def: ProgramDefinition, ctx: InterpreterContext): Promise<void> {
  // Histories recorded before program states existed replay without the boundary checks.
  const controlled = patched('program-control');
  while (e.exitReason === null) {
    // At a step boundary (not when resuming a step parked in a wait).
    if (controlled && e.wakeAt === null) {
      def = await checkpoint(e, def, ctx);
      if (e.exitReason !== null) break;
    }
    const step = def.steps[e.stepId] as Step;
    const result = await runStep(e, step, def, ctx);
    if (e.exitReason !== null) break; // exited (goal, stop) while the step was running
    ctx.record(e, e.stepId, step.kind, result.outcome, { ...result.detail, next: result.next });
    if (result.next === null) {
      e.exitReason = step.kind === 'exit' ? 'exit_step' : result.outcome;
      break;
    }
    moveTo(e, result.next);
  }
  ctx.record(e, e.stepId, 'exit', e.exitReason ?? 'completed');
}

/**
 * Applies the program's state at a step boundary: a stopped program or a rolled-back version
 * makes the customer exit; a live release with a step map for this step moves them onto it.
 */
async function checkpoint(e: Enrollment, def: ProgramDefinition, ctx: InterpreterContext): Promise<ProgramDefinition> {
  const control = await ctx.control(e);
  const ended = endReason(control);
  if (ended) {
    e.exitReason = ended;
    return def;
  }
  // Experiment customers stay on their variant's version, or the experiment would measure nothing.
  const target = e.variant === null ? control.migrateTo?.steps[e.stepId] : undefined;
  if (!control.migrateTo || target === undefined) return def;
  const next = await ctx.definitionOf(e.programId, control.migrateTo.version);
  ctx.record(e, e.stepId, 'migrate', 'migrated', { fromVersion: e.version, toVersion: control.migrateTo.version, toStep: target });
  e.version = control.migrateTo.version;
  moveTo(e, target);
  return next;
}

function endReason(control: ProgramControl): string | null {
  if (control.status === 'stopped' || control.status === 'archived') return 'program stopped';
  if (control.retired !== null) return 'version rolled back';
  return null;
}

/**
 * A paused program holds its customers before each send until it is resumed (or stopped, when
 * they exit). `held` marks the hold's `wakeAt` so a run continued as new mid-hold resumes it
 * rather than taking it for another wait, and records it once.
 */
async function holdWhilePaused(e: Enrollment, ctx: InterpreterContext): Promise<void> {
  let control = await ctx.control(e);
  if (control.status === 'paused' && !e.held) ctx.record(e, e.stepId, 'send', 'held', { reason: 'program paused' });
  while (control.status === 'paused' && e.exitReason === null) {
    e.held = true;
    await park(e, e.wakeAt ?? Date.now() + control.pauseRecheckMs);
    control = await ctx.control(e, true);
  }
  if (e.held) {
    e.held = false;
    e.wakeAt = null;
  }
  e.exitReason ??= endReason(control);
}

export function moveTo(e: Enrollment, stepId: string): void {
  e.stepId = stepId;
  e.visits[stepId] = (e.visits[stepId] ?? 0) + 1;
  e.wakeAt = null;
  e.waitingFor = null;
  e.matched = null;
}

function runStep(e: Enrollment, step: Step, def: ProgramDefinition, ctx: InterpreterContext): Promise<StepResult> {
  switch (step.kind) {
    case 'wait':
      return park(e, e.wakeAt ?? Date.now() + msToNumber(step.duration as never)).then(() => waited(step.next, e));
    case 'waitUntil':
      return waitUntil(e, step, def, ctx);
    case 'waitPersonalized':
      return waitPersonalized(e, step, def, ctx);
    case 'waitForEvent':
      return waitForEvent(e, step);
    case 'branch':
      return branch(e, step, ctx);
    case 'send':
      return send(e, step, def, ctx);
    case 'recommend':
      return remote
        .recommendProducts({ customerId: ctx.customerId, entryEvent: e.entryEvent, count: step.count })
        .then((recs) => {
          e.recommendations = recs;
          return { next: step.next, outcome: 'recommended', detail: { products: recs.map((r) => r.productId) } };
        });
    case 'update':
      return remote
        .updateProfile({ customerId: ctx.customerId, set: step.set, addTags: step.addTags, removeTags: step.removeTags })
        .then(() => ({ next: step.next, outcome: 'updated' }));
    case 'exit':
      return Promise.resolve({ next: null, outcome: 'exit_step' });
    default:
      return assertNever(step);
  }
}

/** Parks the enrollment until `wakeAt` or until `until()` holds or it must exit; true if woken early. */
async function park(e: Enrollment, wakeAt: number, until: () => boolean = () => false): Promise<boolean> {
  e.wakeAt = wakeAt;
  const remaining = wakeAt - Date.now();
  const early =
    remaining > 0 ? await condition(() => e.exitReason !== null || until(), remaining) : e.exitReason !== null || until();
  e.wakeAt = null;
  return early;
}

function waited(next: string, e: Enrollment): StepResult {
  return { next, outcome: 'waited', detail: { visit: e.visits[e.stepId] } };
}

async function waitUntil(e: Enrollment, step: StepOf<'waitUntil'>, def: ProgramDefinition, ctx: InterpreterContext): Promise<StepResult> {
  let wakeAt = e.wakeAt;
  let zone: string | undefined;
  if (wakeAt === null) {
    const { profile } = await ctx.local.loadProfile({ customerId: ctx.customerId, fields: TIME_ZONE });
    zone = resolveTimeZone(profile.timezone as string | null, def.timezone);
    wakeAt = nextAllowedTime(Date.now(), step, zone);
  }
  await park(e, wakeAt);
  return { next: step.next, outcome: 'waited', detail: zone ? { until: formatLocal(wakeAt, zone), timeZone: zone } : {} };
}

async function waitPersonalized(e: Enrollment, step: StepOf<'waitPersonalized'>, def: ProgramDefinition, ctx: InterpreterContext): Promise<StepResult> {
  let wakeAt = e.wakeAt;
  let basis: string | undefined;
  if (wakeAt === null) {
    const { profile } = await ctx.local.loadProfile({ customerId: ctx.customerId, fields: TIME_ZONE });
    const timeZone = resolveTimeZone(profile.timezone as string | null, def.timezone);
    const wait = await ctx.local.computePersonalizedWait({ customerId: ctx.customerId, strategy: step.strategy, nowMs: Date.now(), timeZone });
    wakeAt = Date.now() + wait.ms;
    basis = wait.basis;
  }
  await park(e, wakeAt);
  return { next: step.next, outcome: 'waited', detail: basis ? { basis } : {} };
}

async function waitForEvent(e: Enrollment, step: StepOf<'waitForEvent'>): Promise<StepResult> {
  // The event loop sets `matched` when a fitting event arrives while we listen.
  e.waitingFor = step.event.type;
  await park(e, e.wakeAt ?? Date.now() + msToNumber(step.timeout as never), () => e.matched !== null);
  e.waitingFor = null;
  if (e.matched) return { next: step.next.matched, outcome: 'matched', detail: { eventId: e.matched.id } };
  return { next: step.next.timedOut, outcome: 'timedOut' };
}

async function branch(e: Enrollment, step: StepOf<'branch'>, ctx: InterpreterContext): Promise<StepResult> {
  const fields = step.cases.flatMap((c) => conditionFields(c.when));
  const { profile, traits } = await ctx.local.loadProfile({ customerId: ctx.customerId, fields });
  const scope = { profile, traits, event: eventScope(e.entryEvent) };
  const index = step.cases.findIndex((c) => evaluate(c.when, scope));
  if (index === -1) return { next: step.default, outcome: 'default' };
  return { next: step.cases[index]!.next, outcome: `case ${index}` };
}

async function send(e: Enrollment, step: StepOf<'send'>, def: ProgramDefinition, ctx: InterpreterContext): Promise<StepResult> {
  const message = {
    key: `${e.id}/${e.stepId}/${e.visits[e.stepId] ?? 1}`,
    customerId: ctx.customerId,
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
  };
  const detail = { template: step.template };
  if (patched('program-control')) {
    await holdWhilePaused(e, ctx);
    if (e.exitReason !== null) return { next: null, outcome: 'exited', detail };
  }
  // Histories recorded before the contact policy existed replay without it.
  const governed = patched('contact-policy') && def.priority !== 'transactional';
  if (governed) {
    const skip = await applyContactPolicy(e, step, def, ctx);
    if (skip) {
      await remote.sendMessage({ ...message, scheduledAt: Date.now(), skipReason: skip });
      return { next: step.next, outcome: `skipped: ${skip}`, detail };
    }
  }
  const result = await remote.sendMessage({ ...message, scheduledAt: Date.now() });
  if (governed) ctx.settleContact(e, step.channel, result.status === 'sent');
  else if (result.status === 'sent') ctx.contacted(e, step.channel, def.priority === 'transactional');
  if (result.status === 'sent') return { next: step.next, outcome: 'sent', detail };
  if (result.status === 'skipped') return { next: step.next, outcome: `skipped: ${result.reason}`, detail };
  return { next: step.onFailure ?? null, outcome: `failed: ${result.reason}`, detail };
}

/**
 * Holds the send through the customer's quiet hours (or skips it), then reserves a slot under the
 * frequency caps. Returns a skip reason, or null when the message may go: its slot is then taken.
 */
async function applyContactPolicy(e: Enrollment, step: StepOf<'send'>, def: ProgramDefinition, ctx: InterpreterContext): Promise<string | null> {
  const policy = await ctx.local.loadContactPolicy({ customerId: ctx.customerId });
  const zone = resolveTimeZone(policy.timeZone, def.timezone);
  const quietEnd = e.wakeAt ?? quietUntil(Date.now(), policy.quietHours, zone);
  if (quietEnd !== null) {
    if (def.quietHours === 'skip') return 'quiet hours';
    await park(e, quietEnd);
    // The program may have been paused or stopped while the customer waited out the night.
    if (patched('program-control')) await holdWhilePaused(e, ctx);
    if (e.exitReason !== null) return 'exited';
  }
  let cap = breachedCap(ctx.contactLog(), step.channel, policy.caps, Date.now());
  // A slot reserved by a send still under way may yet be given back (its customer unsubscribed
  // from that program's group, say): wait for it to settle and look again, so a message that does
  // not go out never caps another. The patch check comes last, so only histories that reach this
  // case carry its marker.
  while (cap && hasPendingSlot(ctx.contactLog(), step.channel) && patched('cap-waits-for-pending-sends')) {
    await condition(() => e.exitReason !== null || !hasPendingSlot(ctx.contactLog(), step.channel));
    if (e.exitReason !== null) return 'exited';
    cap = breachedCap(ctx.contactLog(), step.channel, policy.caps, Date.now());
  }
  if (cap) return `cap (${cap})`;
  ctx.reserveContact(e, step.channel);
  return null;
}

function assertNever(x: never): never {
  throw new Error(`unknown step kind: ${JSON.stringify(x)}`);
}
