// The one place that builds Temporal workflow ids: the API, the activities and the tools call
// this, so nobody else spells `customer:<id>`.

export function customerWorkflowId(customerId: string): string {
  return `customer:${customerId}`;
}
