// One long-lived workflow per customer: receives their events as signals and runs every program
// they are enrolled in. State is carried across continue-as-new, so the history stays bounded.
import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { absorbSignal, customerEventSignal, journeyStateQuery, mergeIntoSignal, type JourneySnapshot } from './customer-signals';
import { Journey } from './journey/journey';
import { emptyState, type CustomerState } from './journey/state';

export interface CustomerWorkflowInput {
  customerId: string;
  /** State handed over by the previous run (continue-as-new). */
  carried?: CustomerState;
}

/** A run hands over to a fresh one after this many events, even if the server has not suggested it. */
export const EVENTS_PER_RUN = 1000;

const { forwardCustomerState } = proxyActivities<Activities>({ startToCloseTimeout: '30s' });

/** Ends with `mergedInto` when the customer turned out to be another one. */
export async function customerWorkflow(input: CustomerWorkflowInput): Promise<{ mergedInto: string } | void> {
  const state = input.carried ?? emptyState(input.customerId);
  const journey = new Journey(state);
  setHandler(customerEventSignal, (event) => {
    state.inbox.push(event);
  });
  setHandler(mergeIntoSignal, ({ survivorId }) => {
    state.mergedInto = survivorId;
  });
  setHandler(absorbSignal, (handover) => {
    (state.absorbed ??= []).push(handover);
  });
  setHandler(journeyStateQuery, () => snapshot(state, journey));

  await journey.resume();
  let processed = 0;
  const timeToHandOver = () => processed >= EVENTS_PER_RUN || workflowInfo().continueAsNewSuggested || state.mergedInto !== undefined;
  for (;;) {
    await condition(() => state.inbox.length > 0 || Boolean(state.absorbed?.length) || timeToHandOver());
    if (timeToHandOver()) break;
    const handover = state.absorbed?.shift();
    if (handover) await journey.absorb(handover.state);
    else await journey.handle(state.inbox.shift()!);
    processed++;
  }
  // Events that arrive from here on stay in `state.inbox` and are carried to the next run.
  journey.prepareHandover();
  await condition(() => journey.quiescent() && allHandlersFinished());
  if (state.mergedInto !== undefined) {
    // Everything this customer had goes to the survivor, which carries on with it.
    await forwardCustomerState({ survivorId: state.mergedInto, fromCustomerId: state.customerId, state });
    return { mergedInto: state.mergedInto };
  }
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
