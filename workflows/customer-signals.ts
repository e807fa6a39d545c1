// The customer workflow's signals and query, in their own file so clients can import them
// without loading the interpreter.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ContactRecord, CustomerEvent } from './journey/state';

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
