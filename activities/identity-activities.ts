// Hands a merged customer's journey state to the surviving customer's workflow.
import { Context } from '@temporalio/activity';
import type { CustomerState } from '../src/core/state';
import { createCustomerClient } from '../src/temporal/customer-client';

export function createIdentityActivities() {
  return {
    async forwardCustomerState(input: {
      survivorId: string;
      fromCustomerId: string;
      state: CustomerState;
    }): Promise<void> {
      const { client, info } = Context.current();
      await createCustomerClient(client, info.taskQueue).absorb(input.survivorId, input.fromCustomerId, input.state);
    },
  };
}
