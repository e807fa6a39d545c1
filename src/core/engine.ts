// The journey engine: one customer's programs as a deterministic state machine. No Temporal, no
// I/O: `advance` takes what happened (an event, a call's result, the time passing) and returns
// what to do (make a call, write a step record, publish the customer's programs). The customer
// workflow (workflows/customer-workflow.ts) turns those commands into Temporal calls and their
// results back into inputs; tests drive it directly (test/core/).
//
// One event is applied at a time: dedupe, goals, waiting steps, then entry, which needs a call
// (`planEnrollments`); later events wait in the inbox meanwhile (events.ts). Every enrollment runs
// step by step until it needs a call or a wake-up (enrollments.ts, steps.ts). A failure inside one
// enrollment (bad data, a call failed for good) ends that enrollment with an `error` step; the
// others go on. What one `advance` changes and produces is a Turn (turn.ts).
import type { Plan, ProgramControl, CustomerPolicy, SendOutcome } from './calls';
import { enroll, takeEvents } from './events';
import { fail, runEnrollments } from './enrollments';
import { definitionOf, versionKey, type Command, type Input, type Journey } from './journey';
import type { Program } from './program';
import { settleSend } from './steps';
import { Turn } from './turn';

export { POLICY_FRESH_MS } from './turn';

/**
 * Applies one input and returns the commands it leads to. Updates `journey` in place (the
 * driver owns it; copying the state per event would cost more than the rest of the step).
 */
export function advance(journey: Journey, input: Input): Command[] {
  const turn = new Turn(journey, input.now);
  apply(turn, input);
  return turn.commands;
}

function apply(turn: Turn, input: Input): void {
  switch (input.type) {
    case 'start':
      break;
    case 'event':
      turn.state.inbox.push(input.event);
      break;
    case 'absorb':
      (turn.state.absorbed ??= []).push(input.handover);
      break;
    case 'mergeInto':
      turn.state.mergedInto = input.survivorId;
      break;
    case 'handover':
      turn.run.handingOver = true;
      break;
    case 'result':
    case 'failure':
      settle(turn, input);
      break;
    case 'tick':
      break;
  }
  // Enrollments first: a carried or absorbed one asks for its definition, and events wait for it.
  runEnrollments(turn);
  if (takeEvents(turn)) runEnrollments(turn);
  turn.publish();
}

/** A call came back (or failed for good): its answer goes to what asked for it. */
function settle(turn: Turn, input: Extract<Input, { type: 'result' | 'failure' }>): void {
  const purpose = turn.run.calls[input.callId];
  if (!purpose) return;
  delete turn.run.calls[input.callId];
  const failed = input.type === 'failure' ? input.reason : null;
  switch (purpose.for) {
    case 'plan':
      turn.run.planning = null;
      // A failure for good (a malformed program row) costs this event its new enrollments,
      // never the customer's other programs.
      if (failed !== null)
        return turn.log('error', 'cannot plan enrollments', { eventId: purpose.event.id, reason: failed });
      {
        const plan = (input as { value: Plan }).value;
        if (plan.policy) turn.run.policy = { value: plan.policy, at: turn.now };
        enroll(turn, purpose.event, plan.candidates);
      }
      return;
    case 'definition':
      if (failed === null) turn.run.programs[purpose.key] = (input as { value: Program }).value;
      for (const e of [...turn.state.enrollments]) {
        if (e.awaiting !== input.callId) continue;
        delete e.awaiting;
        if (failed !== null) fail(turn, e, failed);
      }
      return;
    case 'enrollment': {
      const e = turn.state.enrollments.find((x) => x.id === purpose.enrollmentId);
      if (!e) return;
      delete e.awaiting;
      if (failed !== null) return fail(turn, e, failed);
      const value = (input as { value: unknown }).value;
      (e.progress.results ??= {})[purpose.what] = value;
      if (purpose.what === 'control')
        turn.run.controls[versionKey(e.programId, e.version)] = { control: value as ProgramControl, at: turn.now };
      if (purpose.what === 'policy') turn.run.policy = { value: value as CustomerPolicy, at: turn.now };
      if (purpose.what === 'send') {
        settleSend(e, definitionOf(turn.journey, e)!, value as SendOutcome, turn.state.contactLog, turn.now);
        turn.slotsChanged = true;
      }
      return;
    }
  }
}
