// The bench's customers: the program that sends one email at once, events for many customers,
// bare starts and signals through the Temporal client, and waiting for workflows to catch up.
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { customerEventSignal, journeyStateQuery } from '../../workflows/customer-signals';
import type { CustomerWorkflowInput } from '../../workflows/customer-workflow';
import { CUSTOMER_ID_KEY } from '../../workflows/search-attributes';
import { customerWorkflowId } from '../../src/temporal/addressing';
import { createProgramService } from '../../src/programs/program-service';
import { referenceEventTypes } from '../../test/helpers/referenced';
import { launchProgram, seedTemplates } from '../../test/helpers/seed';
import type { BenchWorld } from './world';

export const runId = Date.now().toString(36);
export const SIGNUP = 'bench_signup';

/** Every `bench_signup` enrols the customer in a program that emails them at once and exits. */
export async function seedBenchProgram(world: BenchWorld): Promise<void> {
  await seedTemplates(world.db, ['bench-welcome']);
  await launchProgram(world.db, 'bench-welcome', {
    name: 'Bench welcome',
    entry: { event: SIGNUP },
    start: 'send',
    steps: {
      send: { kind: 'send', channel: 'email', template: 'bench-welcome', next: 'done' },
      done: { kind: 'exit' },
    },
  } as never);
  // Page views reach the workflows only while a program version names them (issue 14, outcome 8):
  // one published and never launched, so the measures that signal page views still do.
  await referenceEventTypes(createProgramService(world.db), ['page_view']);
}

/** Page views, round-robin over customers, so a batch holds up to 100 distinct customers. */
export function eventsFor(prefix: string, customers: number, perCustomer: number) {
  const events = [];
  for (let e = 0; e < perCustomer; e++)
    for (let c = 0; c < customers; c++)
      events.push({ customerId: `${prefix}-${c}`, eventId: `${prefix}-${c}-${e}`, type: 'page_view' });
  return events;
}

/** What the API does for one event, minus Kairos: one signalWithStart. */
export function bareSignalWithStart(client: Client, taskQueue: string, id: string, eventId: string) {
  return client.workflow.signalWithStart('customerWorkflow', {
    workflowId: customerWorkflowId(id),
    taskQueue,
    args: [{ customerId: id } satisfies CustomerWorkflowInput],
    signal: customerEventSignal,
    signalArgs: [
      { id: eventId, type: 'page_view', occurredAt: new Date().toISOString(), properties: { path: '/bench' } },
    ],
    typedSearchAttributes: [{ key: CUSTOMER_ID_KEY, value: id }],
  });
}

/** Waits until the worker has applied `expected` events in each sampled customer's workflow. */
export async function settle(
  client: Client,
  customerIds: string[],
  expected: number,
  timeoutMs = 300_000,
): Promise<number> {
  const t = performance.now();
  const sample = customerIds
    .filter((_, i) => i % Math.max(1, Math.floor(customerIds.length / 20)) === 0)
    .concat(customerIds.at(-1)!);
  for (const id of sample) {
    for (;;) {
      const s = await client.workflow
        .getHandle(customerWorkflowId(id))
        .query(journeyStateQuery)
        .catch(() => undefined);
      if (s && s.eventsSeen >= expected) break;
      if (performance.now() - t > timeoutMs) throw new Error(`settle: ${id} not caught up in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return Math.round(performance.now() - t);
}
