// One failing enrollment ends alone: a customer in several programs at once, one of them broken,
// still completes the others. On the time-skipping server with the real activities.
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';
import { launchProgram, seedTemplates } from '../helpers/seed';
import { startWorld, type World } from '../helpers/world';
import { customer, enrollments, inboxOf, send, stepRecord, stepsOf } from './helpers';

const program = (name: string, template: string): ProgramDefinitionInput => ({
  name,
  entry: { event: 'signup_iso' },
  start: 'wait',
  steps: {
    wait: { kind: 'wait', duration: '1h', next: 'send' },
    send: { kind: 'send', channel: 'email', template, next: 'done' },
    done: { kind: 'exit' },
  },
});

let world: World;

beforeAll(async () => {
  world = await startWorld('time-skipping');
  await seedTemplates(world.database.db, ['iso-a', 'iso-b']);
  for (const [id, template] of [
    ['iso-a', 'iso-a'],
    ['iso-b', 'iso-b'],
    ['iso-dangling', 'iso-a'],
    ['iso-malformed', 'iso-a'],
  ] as const) {
    await launchProgram(world.database.db, id, program(id, template));
  }
  // Rows a bug or a hand edit could leave: publish validation never saw them. The engine runs the
  // execution form stored at publish, so that is what is broken.
  const corrupt = async (programId: string, change: (steps: Record<string, Record<string, unknown>>) => void) => {
    const where = { programId_version: { programId, version: 1 } };
    const { compiled } = await world.database.db.programVersion.findUniqueOrThrow({ where });
    const broken = structuredClone(compiled) as { steps: Record<string, Record<string, unknown>> };
    change(broken.steps);
    await world.database.db.programVersion.update({ where, data: { compiled: broken as object } });
  };
  await corrupt('iso-dangling', (steps) => (steps.wait!.next = 'nowhere'));
  await corrupt('iso-malformed', (steps) => (steps.wait!.kind = 'teleport'));
});
afterAll(() => world?.stop());

test(
  'a step that fails for good ends its own enrollment ' +
    'with an error step; ' +
    'the customer’s other programs complete',
  async () => {
    const id = await customer(world, 'iso@example.com');
    await send(world, 'iso@example.com', 'signup_iso', 'iso-signup');

    // The malformed row fails to load (a named, non-retryable error): that program is not entered.
    const refused = await stepRecord(world, id, {
      enrollmentId: 'iso-malformed/iso-signup',
      kind: 'enter',
      outcome: 'not entered',
    });
    expect((refused.detail as { reason: string }).reason).toMatch(/^error: invalid data/);

    await enrollments(world, id, ['iso-a/iso-signup', 'iso-b/iso-signup', 'iso-dangling/iso-signup']);
    await world.env.sleep('1h');
    // The dangling pointer throws inside the workflow once the wait is over.
    const error = await stepRecord(world, id, { enrollmentId: 'iso-dangling/iso-signup', kind: 'error' });
    expect([error.stepId, error.outcome]).toEqual(['nowhere', 'failed']);
    const exit = await stepRecord(world, id, { enrollmentId: 'iso-dangling/iso-signup', kind: 'exit' });
    expect(exit.outcome).toBe('error');

    for (const ok of ['iso-a', 'iso-b'])
      await stepRecord(world, id, { enrollmentId: `${ok}/iso-signup`, kind: 'exit', outcome: 'exit_step' });
    await enrollments(world, id, []);
    expect(
      inboxOf(world, 'iso@example.com')
        .map((m) => m.subject)
        .sort(),
    ).toEqual(['iso-a for iso', 'iso-b for iso']);

    // The workflow itself is healthy: it still takes events and answers queries.
    await send(world, 'iso@example.com', 'signup_iso', 'iso-signup-2');
    await enrollments(world, id, ['iso-a/iso-signup-2', 'iso-b/iso-signup-2', 'iso-dangling/iso-signup-2']);
    expect((await stepsOf(world, id, { kind: 'error' })).length).toBe(1);
  },
);
