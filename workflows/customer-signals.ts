// The customer workflow's signals and query, in their own file so clients can import them
// without loading the interpreter.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ContactRecord, CustomerEvent, CustomerState } from '../src/core/state';

export interface JourneySnapshot {
  customerId: string;
  enrollments: {
    id: string;
    programId: string;
    version: number;
    variant: string | null;
    entryKey: string | null;
    stepId: string;
    stepKind: string | null;
    waitingFor: string | null;
    wakeAt: string | null;
  }[];
  nextWakeAt: string | null;
  eventsSeen: number;
  contactLog: ContactRecord[];
  run: { runId: string; historyLength: number };
}

export const customerEventSignal = defineSignal<[CustomerEvent]>('customerEvent');
export const journeyStateQuery = defineQuery<JourneySnapshot>('journeyState');

/** This customer turned out to be `survivorId`: hand everything over and end. */
export const mergeIntoSignal = defineSignal<[{ survivorId: string }]>('mergeInto');

/** Another customer's journey state, handed over by its workflow when it merged into this one. */
export const absorbSignal = defineSignal<[{ fromCustomerId: string; state: CustomerState }]>('absorb');
