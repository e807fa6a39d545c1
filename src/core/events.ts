// A customer's events, applied one at a time (a merged customer's hand-over first): dedupe, goals,
// waiting steps, then entry, which needs a call (`planEnrollments`); later events wait in the
// inbox meanwhile. The plan's candidates are admitted or refused here (`enroll`).
import { admit, entryRecordKey } from './admission';
import type { Plan } from './calls';
import { convertEnded } from './ended-goals';
import { messageOf, runEnrollments } from './enrollments';
import { definitionOf, rememberEvent, versionKey } from './journey';
import { matchesEvent } from './matching';
import { absorb } from './merge';
import type { CustomerEvent, Enrollment } from './state';
import type { Turn } from './turn';

/**
 * Applies waiting events (a merged customer's hand-over first) until one needs planning.
 * True if it applied any.
 */
export function takeEvents(turn: Turn): boolean {
  let took = false;
  while (turn.run.planning === null && !turn.run.handingOver && !loadingDefinitions(turn)) {
    const handover = turn.state.absorbed?.shift();
    if (handover) {
      absorb(turn.journey, handover.state);
      runEnrollments(turn); // their definitions are asked for before the next event
      continue;
    }
    const event = turn.state.inbox.shift();
    if (!event) break;
    if (turn.run.seen.has(event.id)) continue; // a redelivered signal: its effect already happened
    took = true;
    rememberEvent(turn.journey, event.id);
    deliver(turn, event);
    if (event.mayEnter === false) continue;
    turn.run.planning = event;
    turn.call('planEnrollments', { customerId: turn.customerId, event }, { for: 'plan', event });
  }
  return took;
}

function loadingDefinitions(turn: Turn): boolean {
  return Object.values(turn.run.calls).some((c) => c.for === 'definition');
}

// Goals first: a converting customer leaves, and their waiting step does not fire as well.
function deliver(turn: Turn, event: CustomerEvent): void {
  for (const e of turn.state.enrollments) {
    const def = definitionOf(turn.journey, e);
    if (!def || e.exitReason !== null) continue;
    if (def.goal && matchesEvent(def.goal.event, event, e, def.entry.key)) {
      const attributed = turn.now - e.enteredAt <= def.goal.windowMs;
      turn.record(e, 'goal', 'converted', { eventId: event.id, attributed });
      e.exitReason = 'goal';
      continue;
    }
    const step = def.steps[e.stepId];
    if (step?.kind === 'waitForEvent' && e.matched === null && matchesEvent(step.event, event, e, def.entry.key)) {
      e.matched = event;
    }
  }
  for (const x of convertEnded(turn.state, event, turn.now)) {
    turn.recordAs(x, {
      stepId: '-',
      kind: 'goal',
      outcome: 'converted',
      detail: { eventId: event.id, attributed: true, afterExit: true },
    });
  }
}

/** The planned entries of `event`: each candidate is admitted (or refused, with a record). */
export function enroll(turn: Turn, event: CustomerEvent, candidates: Plan['candidates']): void {
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
      const decision = admit(turn.state, candidate, event, turn.now);
      if (!decision.admitted) {
        turn.recordRefusal(base, { reason: decision.reason, eventId: event.id });
        continue;
      }
      const { definition: def } = candidate;
      const key = versionKey(candidate.programId, candidate.version);
      turn.run.programs[key] = def;
      turn.run.controls[key] = { control: candidate.control, at: turn.now };
      if (!def.steps[def.start]) throw new Error(`start step "${def.start}" is not a step`);
      const e: Enrollment = {
        ...base,
        entryKey: decision.entryKey,
        entryEvent: event,
        enteredAt: turn.now,
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
      const previous = turn.state.entries[entryKey];
      turn.state.entries[entryKey] = { count: (previous?.count ?? 0) + 1, lastEnteredAt: turn.now };
      turn.state.enrollments.push(e);
      turn.record(e, 'enter', 'entered', { trigger: event.type, eventId: event.id, entryKey: decision.entryKey });
    } catch (err) {
      turn.recordRefusal(base, { reason: `error: ${messageOf(err)}`, eventId: event.id });
    }
  }
}
