// How the rest of Kairos talks to customer workflows: deliver an event (starting the workflow if
// needed) and read the journey state. Workflow ids come from addressing.ts only.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  absorbSignal,
  customerEventSignal,
  journeyStateQuery,
  mergeIntoSignal,
  type JourneySnapshot,
} from '../../workflows/customer-signals';
import type { CustomerWorkflowInput } from '../../workflows/customer-workflow';
import type { CustomerEvent, CustomerState } from '../core/state';
import { CUSTOMER_ID_KEY } from '../../workflows/search-attributes';
import { customerWorkflowId } from './addressing';
import { fetchRunChain, type WorkflowRun } from './workflow-histories';

const DELIVERY_DEADLINE_MS = 3000;

export interface CustomerClient {
  deliver(customerId: string, event: CustomerEvent): Promise<void>;
  journeyState(customerId: string): Promise<JourneySnapshot>;
  /** Ends the customer's workflow at once (GDPR erase); a customer without one is fine. */
  terminate(customerId: string, reason: string): Promise<void>;
  /** Tells a merged customer's workflow to hand its journey to the survivor and end. */
  mergeInto(customerId: string, survivorId: string): Promise<void>;
  /** Hands a merged customer's journey state to the survivor's workflow (the merged run's last act). */
  absorb(survivorId: string, fromCustomerId: string, state: CustomerState): Promise<void>;
  /** The histories of the customer's workflow runs (continue-as-new chain), oldest first. */
  runs(customerId: string, options?: { maxRuns?: number }): Promise<{ runs: WorkflowRun[]; truncated: boolean }>;
}

export function createCustomerClient(client: Client, taskQueue: string): CustomerClient {
  return {
    async deliver(customerId, event) {
      const input: CustomerWorkflowInput = { customerId };
      // Give up quickly when Temporal is down: the event is already stored, and the relay
      // delivers it later, so the API keeps acknowledging at full speed through an outage.
      await client.withDeadline(Date.now() + DELIVERY_DEADLINE_MS, () =>
        client.workflow.signalWithStart('customerWorkflow', {
          workflowId: customerWorkflowId(customerId),
          taskQueue,
          args: [input],
          signal: customerEventSignal,
          signalArgs: [event],
          typedSearchAttributes: [{ key: CUSTOMER_ID_KEY, value: customerId }],
        }),
      );
    },
    async terminate(customerId, reason) {
      try {
        await client.workflow.getHandle(customerWorkflowId(customerId)).terminate(reason);
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    },
    async mergeInto(customerId, survivorId) {
      const input: CustomerWorkflowInput = { customerId };
      // signalWithStart: a customer with no workflow yet starts one that hands over an empty state.
      await client.workflow.signalWithStart('customerWorkflow', {
        workflowId: customerWorkflowId(customerId),
        taskQueue,
        args: [input],
        signal: mergeIntoSignal,
        signalArgs: [{ survivorId }],
      });
    },
    async absorb(survivorId, fromCustomerId, state) {
      const input: CustomerWorkflowInput = { customerId: survivorId };
      // signalWithStart: the survivor's workflow may not be running (no event of theirs yet).
      await client.workflow.signalWithStart('customerWorkflow', {
        workflowId: customerWorkflowId(survivorId),
        taskQueue,
        args: [input],
        signal: absorbSignal,
        signalArgs: [{ fromCustomerId, state: { ...state, mergedInto: undefined } }],
      });
    },
    async journeyState(customerId) {
      return client.workflow.getHandle(customerWorkflowId(customerId)).query(journeyStateQuery);
    },
    runs(customerId, runOptions) {
      return fetchRunChain(client, customerWorkflowId(customerId), runOptions);
    },
  };
}
