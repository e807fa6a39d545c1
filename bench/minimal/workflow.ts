// The baseline for the interpreter-overhead measure: a hand-written customer workflow for the
// bench's one program ("on bench_signup, email at once, exit"), issuing the same activity
// calls with the same inputs as the interpreter does for it (the plan, which carries definitions
// and the contact policy; the send, carrying the step records before it; the rest of the records;
// the search attribute), and none of the interpreter's generality. Bundled
// apart from workflows/ (bench/measures/overhead.ts), never deployed.
import {
  condition,
  defineQuery,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { StepRecord } from '../../src/core/calls';
import { customerEventSignal } from '../../workflows/customer-signals';
import type { CustomerEvent } from '../../src/core/state';
import { PROGRAMS_KEY } from '../../workflows/search-attributes';

const local = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '30s' },
});
const remote = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m' },
});

/** Answers like the customer workflow's `journeyState` for the bench's settle() (eventsSeen only). */
export const minimalStateQuery = defineQuery<{ eventsSeen: number }>('journeyState');

export async function minimalCustomerWorkflow(input: { customerId: string }): Promise<void> {
  const { customerId } = input;
  const inbox: CustomerEvent[] = [];
  const seen = new Set<string>();
  setHandler(customerEventSignal, (event) => void inbox.push(event));
  setHandler(minimalStateQuery, () => ({ eventsSeen: seen.size }));
  for (;;) {
    await condition(() => inbox.length > 0);
    const event = inbox.shift()!;
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    const { candidates } = await local.planEnrollments({ customerId, event });
    for (const plan of candidates) {
      if ('invalid' in plan) continue;
      const def = plan.definition;
      const enrollmentId = `${plan.programId}/${event.id}`;
      const step = def.steps[def.start]!;
      const records: StepRecord[] = [];
      let seq = 0;
      const record = (stepId: string, kind: string, outcome: string, detail: Record<string, unknown>) =>
        records.push({
          id: `${enrollmentId}/${seq++}`,
          customerId,
          enrollmentId,
          programId: plan.programId,
          version: plan.version,
          variant: plan.variant,
          stepId,
          kind,
          outcome,
          detail,
          at: Date.now(),
        });
      upsertSearchAttributes([{ key: PROGRAMS_KEY, value: [plan.programId] }]);
      record(def.start, 'enter', 'entered', { trigger: event.type, eventId: event.id, entryKey: null });
      if (step.kind !== 'send') throw new Error('the minimal workflow knows only the bench program');
      const result = await remote.sendMessage(
        {
          key: `${enrollmentId}/${def.start}/1`,
          customerId,
          enrollmentId,
          programId: plan.programId,
          version: plan.version,
          variant: plan.variant,
          stepId: def.start,
          channel: step.channel,
          templateId: step.template,
          entryEvent: event,
          recommendations: [],
          scheduledAt: Date.now(),
        },
        records.splice(0),
      );
      record(def.start, 'send', result.status, { template: step.template, next: step.next });
      record(step.next!, 'exit', 'exit_step', {});
      upsertSearchAttributes([{ key: PROGRAMS_KEY, value: [] }]);
      await remote.recordSteps(records);
    }
  }
}
