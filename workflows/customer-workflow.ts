// One long-lived workflow per customer: hears their events as signals and runs every program they
// are in, through the engine (src/core/engine.ts) and its driver. State is carried across
// continue-as-new, so the history stays bounded.
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { definitionOf, nextWakeAt } from '../src/core/journey';
import { emptyState, type CustomerState } from '../src/core/state';
import { remote } from './activities';
import type { JourneySnapshot } from '../src/customers/customer-workflows';
import { absorbSignal, customerEventSignal, journeyStateQuery, mergeIntoSignal } from './customer-signals';
import { Driver } from './driver';

export interface CustomerWorkflowInput {
  customerId: string;
  /** State handed over by the previous run (continue-as-new). */
  carried?: CustomerState;
}

/** A run hands over to a fresh one after this many events, even if the server has not suggested it. */
export const EVENTS_PER_RUN = 1000;

/** Ends with `mergedInto` when the customer turned out to be another one. */
export async function customerWorkflow(input: CustomerWorkflowInput): Promise<{ mergedInto: string } | void> {
  const driver = new Driver(input.carried ?? emptyState(input.customerId));
  const { state } = driver.journey;
  // Carried enrollments go on (and ask for their definitions) before any new event is applied.
  driver.feed({ type: 'start' });
  setHandler(customerEventSignal, (event) => driver.feed({ type: 'event', event }));
  setHandler(mergeIntoSignal, ({ survivorId }) => driver.feed({ type: 'mergeInto', survivorId }));
  setHandler(absorbSignal, (handover) => driver.feed({ type: 'absorb', handover }));
  setHandler(journeyStateQuery, () => snapshot(driver));

  await condition(
    () => driver.events >= EVENTS_PER_RUN || workflowInfo().continueAsNewSuggested || state.mergedInto !== undefined,
  );
  // Events that arrive from here on stay in `state.inbox` and are carried to the next run.
  driver.feed({ type: 'handover' });
  await condition(() => driver.idle() && allHandlersFinished());
  if (state.mergedInto !== undefined) {
    // Everything this customer had goes to the survivor, which carries on with it.
    await remote.forwardCustomerState({ survivorId: state.mergedInto, fromCustomerId: state.customerId, state });
    return { mergedInto: state.mergedInto };
  }
  await continueAsNew<typeof customerWorkflow>({ customerId: state.customerId, carried: state });
}

function snapshot(driver: Driver): JourneySnapshot {
  const { state } = driver.journey;
  const wake = nextWakeAt(driver.journey);
  return {
    customerId: state.customerId,
    enrollments: state.enrollments.map((e) => ({
      id: e.id,
      programId: e.programId,
      version: e.version,
      variant: e.variant,
      entryKey: e.entryKey,
      stepId: e.stepId,
      stepKind: definitionOf(driver.journey, e)?.steps[e.stepId]?.kind ?? null,
      waitingFor: e.waitingFor,
      wakeAt: e.wakeAt === null ? null : new Date(e.wakeAt).toISOString(),
    })),
    nextWakeAt: wake === null ? null : new Date(wake).toISOString(),
    eventsSeen: state.seenEventIds.length,
    contactLog: state.contactLog,
    run: { runId: workflowInfo().runId, historyLength: workflowInfo().historyLength },
  };
}
