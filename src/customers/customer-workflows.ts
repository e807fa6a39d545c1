// The CustomerWorkflows port: how the application reaches a customer's journey (deliver an event,
// read or end the journey, hand it over on a merge) without knowing it runs on Temporal. The
// adapter is src/temporal/customer-client.ts; the workflow answers with a JourneySnapshot.
import type { ContactRecord, CustomerEvent, CustomerState } from '../core/state';
import type { WorkflowRun } from '../temporal/workflow-histories';

/** What the journey-state query answers: the customer's enrollments and contact log, now. */
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

export interface CustomerWorkflows {
  /** Starts the customer's workflow if it is not running. */
  deliver(customerId: string, event: CustomerEvent): Promise<void>;
  journeyState(customerId: string): Promise<JourneySnapshot>;
  /** Ends the customer's workflow at once (GDPR erase); a customer without one is fine. */
  terminate(customerId: string, reason: string): Promise<void>;
  /** Tells a merged customer's workflow to hand its journey to the survivor and end. */
  mergeInto(customerId: string, survivorId: string): Promise<void>;
  /** Hands a merged customer's journey state to the survivor's workflow (the merged run's last act). */
  absorb(survivorId: string, fromCustomerId: string, state: CustomerState): Promise<void>;
  /** The histories of the customer's workflow runs (continue-as-new chain), oldest first, for a trace. */
  runs(customerId: string, options?: { maxRuns?: number }): Promise<{ runs: WorkflowRun[]; truncated: boolean }>;
}
