// Running enrollments: each goes step by step (steps.ts) until it needs a call or a wake-up, and
// on until it exits. At a step boundary the program's state may end it or move it onto a newer
// version. A failure (bad data, a call failed for good) ends that enrollment alone, with an
// `error` step; the customer's others go on.
import { keepGoalOpen } from './ended-goals';
import { definitionOf, versionKey } from './journey';
import type { Program } from './program';
import type { Enrollment } from './state';
import { BLOCKED, endReason, runStep, type Blocked } from './steps';
import type { Turn } from './turn';

/** Runs every enrollment as far as it goes; again while one gave a cap slot back. */
export function runEnrollments(turn: Turn): void {
  do {
    turn.slotsChanged = false;
    for (const e of [...turn.state.enrollments]) {
      try {
        runEnrollment(turn, e);
      } catch (err) {
        fail(turn, e, messageOf(err));
      }
    }
  } while (turn.slotsChanged);
}

function runEnrollment(turn: Turn, e: Enrollment): void {
  for (;;) {
    if (e.awaiting !== undefined) return;
    let def = definitionFor(turn, e);
    if (def === BLOCKED) return;
    if (e.exitReason !== null) return finish(turn, e, def);
    // At a step boundary (not when resuming a step parked in a wait).
    if (!e.progress.checked && e.wakeAt === null) {
      const checked = checkpoint(turn, e, def);
      if (checked === BLOCKED) return;
      def = checked;
      e.progress.checked = true;
      if (e.exitReason !== null) continue;
    }
    const step = def.steps[e.stepId];
    if (!step) throw new Error(`step "${e.stepId}" is not in ${e.programId} v${e.version}`);
    const result = runStep(turn, e, step, def);
    if (result === BLOCKED) {
      if (e.exitReason !== null && e.awaiting === undefined) continue;
      return;
    }
    if (e.exitReason !== null) continue; // it must leave (goal, stop) while the step ran
    turn.record(e, step.kind, result.outcome, { ...result.detail, next: result.next });
    if (result.next === null) e.exitReason = step.kind === 'exit' ? 'exit_step' : result.outcome;
    else moveTo(e, result.next);
  }
}

/** The enrollment's definition; when this run has not loaded it, it is asked for. */
function definitionFor(turn: Turn, e: Enrollment, version = e.version): Program | Blocked {
  const key = versionKey(e.programId, version);
  const def = turn.run.programs[key];
  if (def) return def;
  const inFlight = Object.entries(turn.run.calls).find(([, c]) => c.for === 'definition' && c.key === key)?.[0];
  e.awaiting =
    inFlight ?? turn.call('loadProgramVersion', { programId: e.programId, version }, { for: 'definition', key });
  return BLOCKED;
}

/**
 * The program's state at a step boundary: a stopped program or a rolled-back version makes the
 * customer exit; a live release with a step map for this step moves them onto it. Returns the
 * definition to go on with.
 */
function checkpoint(turn: Turn, e: Enrollment, def: Program): Program | Blocked {
  const control = turn.control(e, 0);
  if (control === BLOCKED) return BLOCKED;
  const ended = endReason(control);
  if (ended) {
    e.exitReason = ended;
    return def;
  }
  // Experiment customers stay on their variant's version, or the experiment would measure nothing.
  const target = e.variant === null ? control.migrateTo?.steps[e.stepId] : undefined;
  if (!control.migrateTo || target === undefined) return def;
  const next = definitionFor(turn, e, control.migrateTo.version);
  if (next === BLOCKED) return BLOCKED;
  turn.record(e, 'migrate', 'migrated', {
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
export function fail(turn: Turn, e: Enrollment, reason: string): void {
  turn.log('warn', 'enrollment failed', { enrollmentId: e.id, stepId: e.stepId, reason });
  turn.record(e, 'error', 'failed', { reason });
  e.exitReason = 'error';
  // A slot it reserved for a send that never came back is given back, or others wait for it.
  const before = turn.state.contactLog.length;
  turn.state.contactLog = turn.state.contactLog.filter((c) => !(c.pending && c.enrollmentId === e.id));
  if (turn.state.contactLog.length !== before) turn.slotsChanged = true;
  turn.record(e, 'exit', 'error', { reason });
  remove(turn, e, definitionOf(turn.journey, e));
}

function finish(turn: Turn, e: Enrollment, def: Program): void {
  turn.record(e, 'exit', e.exitReason ?? 'completed');
  remove(turn, e, def);
}

function remove(turn: Turn, e: Enrollment, def: Program | undefined): void {
  const at = turn.state.enrollments.indexOf(e);
  if (at !== -1) turn.state.enrollments.splice(at, 1);
  e.wakeAt = null;
  if (def) keepGoalOpen(turn.state, e, def, turn.now);
}

function moveTo(e: Enrollment, stepId: string): void {
  e.stepId = stepId;
  e.visits[stepId] = (e.visits[stepId] ?? 0) + 1;
  e.wakeAt = null;
  e.waitingFor = null;
  e.matched = null;
  e.progress = {};
}

export function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 500);
}
