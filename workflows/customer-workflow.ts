// One long-lived workflow per customer: receives their events as signals and runs every program
// they are enrolled in. State is carried across continue-as-new, so the history stays bounded.
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { customerEventSignal, journeyStateQuery, type JourneySnapshot } from './customer-signals';
import { Journey } from './journey/journey';
import { emptyState, type CustomerState } from './journey/state';

export interface CustomerWorkflowInput {
  customerId: string;
  /** State handed over by the previous run (continue-as-new). */
  carried?: CustomerState;
}

/** A run hands over to a fresh one after this many events, even if the server has not suggested it. */
export const EVENTS_PER_RUN = 1000;

export async function customerWorkflow(input: CustomerWorkflowInput): Promise<void> {
  const state = input.carried ?? emptyState(input.customerId);
  const journey = new Journey(state);
  setHandler(customerEventSignal, (event) => {
    state.inbox.push(event);
  });
  setHandler(journeyStateQuery, () => snapshot(state, journey));

  await journey.resume();
  let processed = 0;
  const timeToHandOver = () => processed >= EVENTS_PER_RUN || workflowInfo().continueAsNewSuggested;
  for (;;) {
    await condition(() => state.inbox.length > 0 || timeToHandOver());
    if (timeToHandOver()) break;
    await journey.handle(state.inbox.shift()!);
    processed++;
  }
  // Events that arrive from here on stay in `state.inbox` and are carried to the next run.
  await condition(() => journey.quiescent() && allHandlersFinished());
  await continueAsNew<typeof customerWorkflow>({ customerId: state.customerId, carried: state });
}

function snapshot(state: CustomerState, journey: Journey): JourneySnapshot {
  const wakes = state.enrollments.map((e) => e.wakeAt).filter((w): w is number => w !== null);
  return {
    customerId: state.customerId,
    enrollments: state.enrollments.map((e) => ({
      id: e.id,
      programId: e.programId,
      version: e.version,
      variant: e.variant,
      entryKey: e.entryKey,
      stepId: e.stepId,
      stepKind: journey.definitionFor(e)?.steps[e.stepId]?.kind ?? null,
      waitingFor: e.waitingFor,
      wakeAt: e.wakeAt === null ? null : new Date(e.wakeAt).toISOString(),
    })),
    nextWakeAt: wakes.length ? new Date(Math.min(...wakes)).toISOString() : null,
    eventsSeen: state.seenEventIds.length,
    contactLog: state.contactLog,
    run: { runId: workflowInfo().runId, historyLength: workflowInfo().historyLength },
  };
}
