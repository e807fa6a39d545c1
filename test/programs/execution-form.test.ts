// The execution form stored beside each version: compiled at publish, brought up to date at the
// worker's startup, and checked where it is read.
import { FORMAT_VERSION } from '../../src/core/program';
import { compileProgram } from '../../src/programs/compile';
import { ExecutionFormError, readExecutionForm, recompileStale } from '../../src/programs/execution-form';
import { createProgramService } from '../../src/programs/program-service';
import { programDefinitionSchema } from '../../src/contracts/program-language/schema';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { seedTemplates } from '../helpers/seed';
import { startTimeSkippingServer } from '../helpers/temporal';
import { createTestWorker } from '../helpers/worker';
import { abandonedCart, fixtureTemplateIds, postPurchaseCrossSell } from './fixtures';

const compiled = (definition: unknown) => compileProgram(programDefinitionSchema.parse(definition));

describe('readExecutionForm', () => {
  const form = compiled(abandonedCart);
  const read = (value: unknown) => readExecutionForm(value, 'cart', 3);
  const refusal = (value: unknown) => {
    try {
      read(value);
    } catch (err) {
      expect(err).toBeInstanceOf(ExecutionFormError);
      return (err as Error).message;
    }
    throw new Error('accepted');
  };
  type Loose = {
    formatVersion: unknown;
    start: unknown;
    entry?: unknown;
    goal: { windowMs: unknown };
    steps: Record<string, { kind: unknown }>;
  };
  const changed = (change: (f: Loose) => void) => {
    const copy = structuredClone(form) as unknown as Loose;
    change(copy);
    return copy;
  };

  test('a current form is the program as stored', () => {
    expect(read(structuredClone(form))).toEqual(form);
  });

  test('a missing form or another format is refused by name', () => {
    expect(refusal(null)).toBe('program cart version 3: execution form missing: the worker compiles it at startup');
    expect(refusal(changed((f) => (f.formatVersion = FORMAT_VERSION + 1)))).toBe(
      `program cart version 3: execution form has format ${FORMAT_VERSION + 1}; ` +
        `this worker runs format ${FORMAT_VERSION}`,
    );
  });

  test('the wrong shape is refused: the marketer’s form, an unknown step, a start that is no step', () => {
    expect(refusal({ ...programDefinitionSchema.parse(abandonedCart), formatVersion: FORMAT_VERSION })).toMatch(
      /has no goal\.windowMs$/,
    );
    expect(refusal({ ...programDefinitionSchema.parse(postPurchaseCrossSell), formatVersion: FORMAT_VERSION })).toMatch(
      /has no steps\.wait-visit\.timeoutMs$/,
    );
    expect(refusal(changed((f) => (f.steps['wait-1h']!.kind = 'teleport')))).toMatch(
      /unknown kind of step at steps\.wait-1h$/,
    );
    expect(refusal(changed((f) => (f.start = 'nowhere')))).toMatch(/start that is no step: "nowhere"$/);
    expect(refusal(changed((f) => delete f.entry))).toMatch(/has no valid entry$/);
    expect(refusal(changed((f) => (f.goal.windowMs = '7d')))).toMatch(/has no goal\.windowMs$/);
    expect(refusal([])).toMatch(/is not an object$/);
  });
});

describe('stored forms', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await seedTemplates(database.db, fixtureTemplateIds);
  });
  afterAll(() => database?.drop());

  const stored = async (programId: string, version = 1) =>
    (
      await database.db.programVersion.findUniqueOrThrow({
        where: { programId_version: { programId, version } },
        select: { compiled: true },
      })
    ).compiled;
  const logs = () => {
    const lines: { level: string; message: string }[] = [];
    return {
      lines,
      logger: {
        info: (_: object, message: string) => lines.push({ level: 'info', message }),
        error: (_: object, message: string) => lines.push({ level: 'error', message }),
      },
    };
  };
  const publish = async (id: string, definition: object) => {
    const programs = createProgramService(database.db);
    await programs.create(id, definition as Record<string, unknown>, 'test');
    return programs.publish(id, 'test');
  };

  test('publishing stores the compiled form beside the definition', async () => {
    await publish('stored', abandonedCart);
    expect(await stored('stored')).toEqual(compiled(abandonedCart));
  });

  test(
    'recompileStale compiles missing and older forms, ' +
      'leaves newer ones, and skips a definition that no longer parses',
    async () => {
      const { db } = database;
      for (const id of ['missing', 'older', 'newer', 'broken']) await publish(id, postPurchaseCrossSell);
      const set = (programId: string, data: object) =>
        db.programVersion.update({ where: { programId_version: { programId, version: 1 } }, data });
      await db.$executeRaw`UPDATE program_versions SET compiled = NULL WHERE program_id IN ('missing', 'broken')`;
      await set('older', { compiled: { ...compiled(postPurchaseCrossSell), formatVersion: FORMAT_VERSION - 1 } });
      const newer = { ...compiled(postPurchaseCrossSell), formatVersion: FORMAT_VERSION + 1 };
      await set('newer', { compiled: newer });
      await set('broken', { definition: { ...(postPurchaseCrossSell as object), start: 42 } });

      const first = logs();
      expect(await recompileStale(db, first.logger)).toEqual({
        compiled: ['missing v1', 'older v1'],
        broken: ['broken v1'],
      });
      expect(await stored('missing')).toEqual(compiled(postPurchaseCrossSell));
      expect(await stored('older')).toEqual(compiled(postPurchaseCrossSell));
      expect(await stored('newer')).toEqual(newer);
      expect(await stored('broken')).toBeNull();
      expect(first.lines).toContainEqual({
        level: 'error',
        message:
          'program broken v1 does not compile: its definition no longer parses; it takes no entrants until fixed',
      });

      // Idempotent: nothing left to compile; the broken version is named again at every startup.
      expect(await recompileStale(db, logs().logger)).toEqual({ compiled: [], broken: ['broken v1'] });
    },
  );

  test('a worker compiles stale versions as it starts, before it polls', async () => {
    await publish('upgraded', abandonedCart);
    await database.db.$executeRaw`UPDATE program_versions SET compiled = NULL WHERE program_id = 'upgraded'`;
    const env = await startTimeSkippingServer();
    try {
      const worker = await createTestWorker(env, {
        db: database.db,
        email: { send: async () => ({ providerMessageId: 'unused' }) },
      });
      expect(await stored('upgraded')).toEqual(compiled(abandonedCart));
      const running = worker.run();
      worker.shutdown();
      await running;
    } finally {
      await env.teardown();
    }
  });
});
