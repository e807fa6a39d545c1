// The floor for Kairos's event path (bench/measures/floor.ts): the least a Temporal workflow can
// do for "a new customer signs up, send them one email": signalled once per event through
// signalWithStart, one send activity, done. Bench-only: bundled for the floor's own worker, never
// part of workflows/ or deployed.
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { FloorActivities, FloorEvent } from './activities';

export const floorEventSignal = defineSignal<[FloorEvent]>('floorEvent');

// The same timeouts and retries as Kairos's sends (workflows/activities.ts `remote`).
const { floorSend } = proxyActivities<FloorActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '12h',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m' },
});

export async function floorWorkflow(): Promise<void> {
  let event: FloorEvent | undefined;
  setHandler(floorEventSignal, (e) => void (event ??= e));
  await condition(() => event !== undefined);
  await floorSend(event!);
}
