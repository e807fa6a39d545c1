// The one seam that knows how Kairos addresses Temporal: workflow ids and search attributes.
// The API and tools call these; nobody else builds a workflow id.
import type { CustomerEvent } from '../../workflows/journey/state';

export function customerWorkflowId(customerId: string): string {
  return `customer:${customerId}`;
}

export function customerIdOf(workflowId: string): string | null {
  return workflowId.startsWith('customer:') ? workflowId.slice('customer:'.length) : null;
}

export type { CustomerEvent };
