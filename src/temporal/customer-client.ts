// How the rest of Kairos talks to customer workflows: deliver an event (starting the workflow if
// needed) and read the journey state. Workflow ids come from addressing.ts only.
import type { Client } from '@temporalio/client';
import { customerEventSignal, journeyStateQuery, type JourneySnapshot } from '../../workflows/customer-signals';
import type { CustomerWorkflowInput } from '../../workflows/customer-workflow';
import type { CustomerEvent } from '../../workflows/journey/state';
import { CUSTOMER_ID } from '../../workflows/search-attributes';
import { customerWorkflowId } from './addressing';

export interface CustomerClient {
  deliver(customerId: string, event: CustomerEvent): Promise<void>;
  journeyState(customerId: string): Promise<JourneySnapshot>;
}

export function createCustomerClient(client: Client, taskQueue: string, options: { searchAttributes: boolean }): CustomerClient {
  return {
    async deliver(customerId, event) {
      const input: CustomerWorkflowInput = { customerId };
      await client.workflow.signalWithStart('customerWorkflow', {
        workflowId: customerWorkflowId(customerId),
        taskQueue,
        args: [input],
        signal: customerEventSignal,
        signalArgs: [event],
        typedSearchAttributes: options.searchAttributes ? [{ key: CUSTOMER_ID, value: customerId }] : undefined,
      });
    },
    async journeyState(customerId) {
      return client.workflow.getHandle(customerWorkflowId(customerId)).query(journeyStateQuery);
    },
  };
}
