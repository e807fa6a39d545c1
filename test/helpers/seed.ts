// Test data through the real services: templates, a catalogue, and published, launched programs.
import type { Db } from '../../src/db/prisma';
import { createProgramService } from '../../src/programs/program-service';
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';

export async function seedTemplates(db: Db, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    await db.template.upsert({
      where: { id },
      create: {
        id,
        subject: `${id} for {{ customer.firstName | default: "you" }}`,
        body: `<p>${id}</p>{% for r in recommendations %}<li>{{ r.name }}</li>{% endfor %}`,
      },
      update: {},
    });
  }
}

/** Simona's shop: a dress and what goes with it, one item out of stock, one overstocked. */
export async function seedCatalogue(db: Db): Promise<void> {
  await db.product.createMany({
    data: [
      {
        id: 'dress-linen',
        name: 'Linen summer dress',
        category: 'dress',
        stock: 10,
        targetStock: 10,
        attributes: { collection: 'summer', pairsWith: ['shoes', 'bag'] },
      },
      {
        id: 'sandals',
        name: 'Leather sandals',
        category: 'shoes',
        stock: 8,
        targetStock: 10,
        attributes: { collection: 'summer' },
      },
      {
        id: 'straw-bag',
        name: 'Straw bag',
        category: 'bag',
        stock: 60,
        targetStock: 20,
        attributes: { collection: 'summer' },
      },
      {
        id: 'belt',
        name: 'Woven belt',
        category: 'belt',
        stock: 0,
        targetStock: 10,
        attributes: { collection: 'summer' },
      },
      {
        id: 'winter-coat',
        name: 'Winter coat',
        category: 'coat',
        stock: 5,
        targetStock: 10,
        attributes: { collection: 'winter' },
      },
    ],
    skipDuplicates: true,
  });
}

export async function launchProgram(db: Db, id: string, definition: ProgramDefinitionInput): Promise<number> {
  const programs = createProgramService(db);
  await programs.create(id, definition as Record<string, unknown>, 'test');
  const { version } = await programs.publish(id, 'test');
  await programs.launch(id, version, 'test');
  return version;
}

/** A program that emails a template as soon as its trigger event arrives, then exits. */
export const sendsAtOnce = (
  name: string,
  trigger: string,
  extra: Partial<ProgramDefinitionInput> = {},
  template = 'note',
): ProgramDefinitionInput => ({
  name,
  entry: { event: trigger },
  start: 'send',
  steps: { send: { kind: 'send', channel: 'email', template, next: 'done' }, done: { kind: 'exit' } },
  ...extra,
});
