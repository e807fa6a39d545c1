// The Temporal adapter of the CustomerWorkflows port (src/customers/customer-workflows.ts): an
// event is a signal (starting the workflow if needed), the journey state a query. Workflow ids
// come from addressing.ts only.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  absorbSignal,
  customerEventSignal,
  journeyStateQuery,
  mergeIntoSignal,
} from '../../workflows/customer-signals';
import type { CustomerWorkflowInput } from '../../workflows/customer-workflow';
import type { CustomerWorkflows } from '../customers/customer-workflows';
import { CUSTOMER_ID_KEY } from '../../workflows/search-attributes';
import { customerWorkflowId } from './addressing';
import { codecsOf, decodeHistory } from './history-codec';
import { fetchRunChain } from './workflow-histories';

const DELIVERY_DEADLINE_MS = 3000;

export function createCustomerClient(client: Client, taskQueue: string): CustomerWorkflows {
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
    async runs(customerId, runOptions) {
      const chain = await fetchRunChain(client, customerWorkflowId(customerId), runOptions);
      // The trace reads events' properties and activities' inputs: decrypted here, never stored so.
      for (const run of chain.runs) await decodeHistory(run.history, codecsOf(client));
      return chain;
    },
  };
}
