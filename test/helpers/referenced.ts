// Events reach customer workflows only when a program version in use names their type
// (src/programs/referenced-index.ts). Tests that need a workflow to hear events no journey acts
// on (continue-as-new, redelivery, counts of events seen) make those types referenced this way.
import type { ProgramService } from '../../src/programs/program-service';

/**
 * Publishes, and never launches, one program per type that waits for it: the type is referenced
 * (as most events a journey hears are: by a wait or a goal, not an entry), and nobody enrols.
 * Through the API's own program service the index has it on return.
 */
export async function referenceEventTypes(programs: ProgramService, types: string[]): Promise<void> {
  for (const type of types) {
    const id = `listens-to-${type.replace(/[^a-z0-9_-]/gi, '-')}`.slice(0, 64);
    const wait = { kind: 'waitForEvent', event: { type }, timeout: '1d', next: { matched: 'done', timedOut: 'done' } };
    await programs.create(
      id,
      {
        name: `Listens to ${type}`,
        entry: { event: `${id}-entry` },
        start: 'wait',
        steps: { wait, done: { kind: 'exit' } },
      },
      'test',
    );
    await programs.publish(id, 'test');
  }
}
