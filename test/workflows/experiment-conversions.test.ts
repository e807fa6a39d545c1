// Experiment results count conversions that come after the journey has ended, for every variant
// and the holdout alike: here every program ends at once, and every customer converts later.
import { startExperimentSchema } from '../../src/contracts/requests/experiment-schema';
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';
import { launchProgram, seedTemplates } from '../helpers/seed';
import { eventually, startWorld, type World } from '../helpers/world';
import { customer, send, stepRecord } from './helpers';

const quote = (template: string): ProgramDefinitionInput => ({
  name: 'Quote',
  entry: { event: 'quote_sent' },
  goal: { event: { type: 'quote_accepted' }, window: '7d' },
  start: 'send',
  steps: { send: { kind: 'send', channel: 'email', template, next: 'done' }, done: { kind: 'exit' } },
});

let world: World;

beforeAll(async () => {
  world = await startWorld('time-skipping');
  await seedTemplates(world.database.db, ['quote-a', 'quote-b']);
  await launchProgram(world.database.db, 'quote', quote('quote-a'));
  const programs = world.api.deps.programs;
  await programs.updateDraft('quote', quote('quote-b') as Record<string, unknown>, 'test');
  await programs.publish('quote', 'test');
});
afterAll(() => world?.stop());

test(
  'customers who converted after their journey ended ' + 'count as converted in every variant and the holdout',
  async () => {
    const input = startExperimentSchema.parse({
      variants: [
        { name: 'v1', version: 1 },
        { name: 'v2', version: 2 },
      ],
      holdout: 0.3,
      winnerRule: { minCustomersPerVariant: 1000 },
    });
    const { id: experimentId } = await world.api.deps.experiments.start('quote', input, 'test');
    const people = Array.from({ length: 30 }, (_, i) => `buyer-${i}@example.com`);
    const ids = await Promise.all(people.map((email) => customer(world, email)));
    for (const [i, email] of people.entries()) await send(world, email, 'quote_sent', `quote-${i}`);
    for (const [i, id] of ids.entries())
      await stepRecord(world, id, { enrollmentId: `quote/quote-${i}`, kind: 'exit' });

    await world.env.sleep('1d');
    for (const [i, email] of people.entries()) await send(world, email, 'quote_accepted', `accepted-${i}`);
    await eventually(
      async () => (await world.database.db.journeyStep.count({ where: { programId: 'quote', kind: 'goal' } })) === 30,
      45_000,
      '30 conversions',
    );

    const results = await world.api.deps.experiments.results(experimentId);
    const groups = { holdout: results.holdout, v1: results.variants.v1!, v2: results.variants.v2! };
    for (const [name, group] of Object.entries(groups)) {
      expect([name, group.entered > 0, group.converted]).toEqual([name, true, group.entered]);
    }
    expect(results.holdout.entered + results.variants.v1!.entered + results.variants.v2!.entered).toBe(30);
  },
);
