// planEnrollments and loadProgramVersion against the database: one statement routes an event to
// each live program's version (live, experiment variant or holdout, rollout side) and brings its
// stored execution form, checked; a bad form refuses its own program only.
import { createEnrollmentActivities } from '../../activities/enrollment-activities';
import type { EnrollmentCandidate } from '../../src/core/calls';
import type { CustomerEvent } from '../../src/core/state';
import { poolOf } from '../../src/db/prisma';
import { compileProgram } from '../../src/programs/compile';
import { route, type RoutingInput } from '../../src/programs/entry-routing';
import { ExecutionFormError } from '../../src/programs/execution-form';
import { createProgramService } from '../../src/programs/program-service';
import { programDefinitionSchema } from '../../src/contracts/program-language/schema';
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';
import { poisonReason } from '../../src/worker/poison-failures';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { seedTemplates, sendsAtOnce } from '../helpers/seed';
import { NO_CONTACT_POLICY, TEST_CONTROL_TIMING } from '../helpers/worker';

let database: TestDatabase;
let activities: ReturnType<typeof createEnrollmentActivities>;
const event = (type: string, id = `${type}-1`): CustomerEvent => ({
  id,
  type,
  occurredAt: '2026-11-25T09:00:00.000Z',
  properties: {},
});
const customers = Array.from({ length: 40 }, (_, i) => `customer-${i}`);

/** Publishes each definition as the next version and launches the first. */
async function publishVersions(id: string, definitions: ProgramDefinitionInput[]): Promise<void> {
  const programs = createProgramService(database.db);
  await programs.create(id, definitions[0] as Record<string, unknown>, 'test');
  for (const definition of definitions) {
    await programs.updateDraft(id, definition as Record<string, unknown>, 'test');
    await programs.publish(id, 'test');
  }
  await programs.launch(id, 1, 'test');
}

const compiled = (definition: ProgramDefinitionInput) => compileProgram(programDefinitionSchema.parse(definition));
const setCompiled = (programId: string, compiled: object | null) =>
  database.db
    .$executeRaw`UPDATE program_versions SET compiled = ${compiled === null ? null : JSON.stringify(compiled)}::jsonb
      WHERE program_id = ${programId}`;

beforeAll(async () => {
  database = await createTestDatabase();
  activities = createEnrollmentActivities({
    db: database.db,
    controlTiming: TEST_CONTROL_TIMING,
    contactPolicy: NO_CONTACT_POLICY,
  });
  await seedTemplates(database.db, ['note']);
  const { db } = database;
  await publishVersions(
    'exp',
    [1, 2, 3].map((v) => sendsAtOnce(`exp ${v}`, 'signup')),
  );
  await db.experiment.create({
    data: {
      id: 'exp-old',
      programId: 'exp',
      status: 'stopped',
      variants: [{ name: 'x', version: 2, weight: 1 }],
      holdout: 0,
      controlVersion: 1,
      winnerRule: {},
    },
  });
  await db.experiment.create({
    data: {
      id: 'exp-run',
      programId: 'exp',
      variants: [
        { name: 'a', version: 2, weight: 1 },
        { name: 'b', version: 3, weight: 3 },
      ],
      holdout: 0.2,
      controlVersion: 1,
      winnerRule: {},
    },
  });
  const rollout = { plan: [], guardrails: {}, evaluationIntervalMs: 60_000, percent: 50 };
  await publishVersions(
    'roll',
    [1, 2].map((v) => sendsAtOnce(`roll ${v}`, 'signup')),
  );
  await db.rollout.create({ data: { id: 'roll-run', programId: 'roll', fromVersion: 1, toVersion: 2, ...rollout } });
  // Its version 2 enters on another event: those the rollout routes there are not candidates.
  await publishVersions('elsewhere', [sendsAtOnce('elsewhere 1', 'signup'), sendsAtOnce('elsewhere 2', 'login')]);
  await db.rollout.create({
    data: { id: 'elsewhere-run', programId: 'elsewhere', fromVersion: 1, toVersion: 2, ...rollout },
  });
  await publishVersions('plain', [sendsAtOnce('plain', 'signup')]);
  await publishVersions('paused', [sendsAtOnce('paused', 'signup')]);
  await createProgramService(db).changeState('paused', 'pause', 'test');

  for (const id of ['good', 'older', 'missing', 'malformed'])
    await publishVersions(id, [sendsAtOnce(id, 'bad_signup')]);
  await setCompiled('older', { ...compiled(sendsAtOnce('older', 'bad_signup')), formatVersion: 0 });
  await setCompiled('missing', null);
  await setCompiled('malformed', { ...compiled(sendsAtOnce('malformed', 'bad_signup')), steps: 'none' });
  await db.customer.create({ data: { id: 'in-ljubljana', timezone: 'Europe/Ljubljana' } });
});
afterAll(() => database?.drop());

test(
  'each live program routes the customer as route() ' + 'does: experiment variants and holdout, rollout sides',
  async () => {
    const routing: Record<string, RoutingInput> = {
      exp: {
        liveVersion: 1,
        experiment: {
          id: 'exp-run',
          variants: [
            { name: 'a', version: 2, weight: 1 },
            { name: 'b', version: 3, weight: 3 },
          ],
          holdout: 0.2,
          controlVersion: 1,
        },
        rollout: null,
      },
      roll: {
        liveVersion: 1,
        experiment: null,
        rollout: { id: 'roll-run', fromVersion: 1, toVersion: 2, percent: 50 },
      },
      elsewhere: {
        liveVersion: 1,
        experiment: null,
        rollout: { id: 'elsewhere-run', fromVersion: 1, toVersion: 2, percent: 50 },
      },
      plain: { liveVersion: 1, experiment: null, rollout: null },
    };
    const seen = new Set<string>();
    for (const customerId of customers) {
      const plan = await activities.planEnrollments({ customerId, event: event('signup') });
      const expected = Object.entries(routing)
        .sort(([a], [b]) => a.localeCompare(b))
        .flatMap(([programId, input]) => {
          const r = route(input, customerId);
          if (programId === 'elsewhere' && r.version === 2) return [];
          return [
            {
              programId,
              version: r.version,
              variant: r.variant,
              definition: compiled(
                sendsAtOnce(`${programId}${programId === 'plain' ? '' : ` ${r.version}`}`, 'signup'),
              ),
            },
          ];
        });
      expect(
        plan.candidates.map(({ programId, version, variant, ...rest }) => ({
          programId,
          version,
          variant,
          definition: 'definition' in rest ? rest.definition : null,
        })),
      ).toEqual(expected);
      for (const c of plan.candidates) seen.add(`${c.programId}:${c.variant ?? c.version}`);
    }
    // The 40 customers exercise every branch.
    expect([...seen].sort()).toEqual(['elsewhere:1', 'exp:a', 'exp:b', 'exp:holdout', 'plain:1', 'roll:1', 'roll:2']);
    const assignments = await database.db.assignment.findMany({ where: { experimentId: 'exp-run' } });
    expect(assignments).toHaveLength(customers.length);
    for (const a of assignments)
      expect([a.variant, a.version]).toEqual([
        route(routing.exp!, a.customerId).variant,
        route(routing.exp!, a.customerId).version,
      ]);
  },
);

test('one statement per event: routing, execution forms and the customer’s time zone', async () => {
  // Prisma's queries (a nested findMany is one per relation) go through the same pool.
  const statements = jest.spyOn(poolOf(database.db), 'query');
  try {
    const plan = await activities.planEnrollments({ customerId: 'in-ljubljana', event: event('bad_signup') });
    expect(statements).toHaveBeenCalledTimes(1);
    expect(plan.policy?.timeZone).toBe('Europe/Ljubljana');
    statements.mockClear();
    expect(await activities.planEnrollments({ customerId: 'in-ljubljana', event: event('nobody_listens') })).toEqual({
      candidates: [],
      policy: null,
    });
    expect(statements).toHaveBeenCalledTimes(1);
  } finally {
    statements.mockRestore();
  }
});

test(
  'a version with no stored form, or another build’s format, is compiled from its definition; ' +
    'a malformed form refuses only its own program, by name',
  async () => {
    const plan = await activities.planEnrollments({ customerId: 'customer-1', event: event('bad_signup') });
    const candidate = (programId: string): EnrollmentCandidate | undefined =>
      plan.candidates.find((c) => c.programId === programId);
    expect(plan.candidates.map((c) => c.programId)).toEqual(['good', 'malformed', 'missing', 'older']);
    for (const id of ['good', 'missing', 'older'])
      expect(candidate(id)).toMatchObject({ version: 1, definition: compiled(sendsAtOnce(id, 'bad_signup')) });
    expect(candidate('malformed')).toEqual({
      programId: 'malformed',
      version: 1,
      variant: null,
      invalid: 'invalid data: program malformed version 1: execution form has no steps',
    });
  },
);

test('loadProgramVersion hands back the stored form, or a named error no retry can mend', async () => {
  expect(await activities.loadProgramVersion({ programId: 'roll', version: 2 })).toEqual(
    compiled(sendsAtOnce('roll 2', 'signup')),
  );
  // Mid-deploy rows (no form, another build's format) are compiled here from their definition.
  for (const id of ['older', 'missing'])
    expect(await activities.loadProgramVersion({ programId: id, version: 1 })).toEqual(
      compiled(sendsAtOnce(id, 'bad_signup')),
    );
  const err = await activities.loadProgramVersion({ programId: 'malformed', version: 1 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ExecutionFormError);
  expect(poisonReason(err)).toBe('invalid data');
});
