// Hands a merged customer's journey state to the surviving customer's workflow.
import { Context } from '@temporalio/activity';
import { customerWorkflowId } from '../src/temporal/addressing';
import { absorbSignal } from '../workflows/customer-signals';
import type { CustomerWorkflowInput } from '../workflows/customer-workflow';
import type { CustomerState } from '../src/core/state';

export function createIdentityActivities() {
  return {
    async forwardCustomerState(input: {
      survivorId: string;
      fromCustomerId: string;
      state: CustomerState;
    }): Promise<void> {
      const { client, info } = Context.current();
      const args: [CustomerWorkflowInput] = [{ customerId: input.survivorId }];
      // signalWithStart: the survivor's workflow may not be running (no event of theirs yet).
      await client.workflow.signalWithStart('customerWorkflow', {
        workflowId: customerWorkflowId(input.survivorId),
        taskQueue: info.taskQueue,
        args,
        signal: absorbSignal,
        signalArgs: [{ fromCustomerId: input.fromCustomerId, state: { ...input.state, mergedInto: undefined } }],
      });
    },
  };
}
