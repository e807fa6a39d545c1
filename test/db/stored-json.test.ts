// Stored JSON is parsed where it is read: a row written wrong (by hand, by a bug) fails at its
// reader with an error naming the table, column and row, not later as a TypeError or a wrong answer.
import pino from 'pino';
import { loadProfileScope } from '../../src/customers/profile-scope';
import { StoredJsonError } from '../../src/db/stored-json';
import { experimentResults } from '../../src/experiments/experiment-results';
import { promoteVariant } from '../../src/experiments/experiment-service';
import { createImportService } from '../../src/imports/import-service';
import { DEFAULT_CONTROL_TIMING, loadProgramControl } from '../../src/programs/program-control';
import { createProgramService } from '../../src/programs/program-service';
import { programDefinitionSchema } from '../../src/contracts/program-language/schema';
import { abandonedCart } from '../programs/fixtures';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

const sql = (text: string, ...values: unknown[]) => database.db.$executeRawUnsafe(text, ...values);

/** The StoredJsonError `read` fails with. */
async function refusal(read: () => Promise<unknown>): Promise<string> {
  const err: unknown = await read().then(
    () => new Error('accepted'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoredJsonError);
  return (err as Error).message;
}

/** A program `id` with versions 1 (valid) and 2 (holding `definition`), and v2's step map `migrate`. */
async function program(id: string, status: string, definition: unknown, migrate: unknown = null): Promise<void> {
  const valid = JSON.stringify(programDefinitionSchema.parse(abandonedCart));
  await sql(
    `INSERT INTO programs (id, name, draft, status, live_version, updated_at) VALUES ($1, $1, '{}', $2, 2, now())`,
    id,
    status,
  );
  await sql(
    `INSERT INTO program_versions (program_id, version, definition, trigger_event, migrates_from)
     VALUES ($1, 1, $2::jsonb, 'cart_abandoned', NULL), ($1, 2, $3::jsonb, 'cart_abandoned', $4::jsonb)`,
    id,
    valid,
    JSON.stringify(definition),
    migrate === null ? null : JSON.stringify(migrate),
  );
}

describe('programs', () => {
  test('a malformed definition is refused naming the version and the field', async () => {
    await program('bad-definition', 'live', { ...programDefinitionSchema.parse(abandonedCart), start: 7 });
    const programs = createProgramService(database.db);
    expect(await refusal(() => programs.diff('bad-definition', 1, 2))).toMatch(
      /^program_versions\.definition of bad-definition v2 is malformed: \$\.start: /,
    );
  });

  test('a malformed step map or status is refused by the control read', async () => {
    const control = (id: string) => loadProgramControl(database.db, id, 1, DEFAULT_CONTROL_TIMING);
    await program('bad-map', 'live', abandonedCart, { fromVersion: 1, steps: ['wait-1h'] });
    expect(await refusal(() => control('bad-map'))).toMatch(
      /^program_versions\.migrates_from of bad-map v2 is malformed: \$\.steps: /,
    );
    await program('bad-status', 'running', abandonedCart);
    expect(await refusal(() => control('bad-status'))).toMatch(/^programs\.status of bad-status is malformed: \$: /);
  });
});

describe('experiments', () => {
  beforeAll(() => program('tested', 'live', abandonedCart));
  const experiment = (id: string, variants: unknown, winnerRule: unknown = {}) =>
    sql(
      `INSERT INTO experiments (id, program_id, variants, holdout, control_version, winner_rule)
       VALUES ($1, 'tested', $2::jsonb, 0.1, 1, $3::jsonb)`,
      id,
      JSON.stringify(variants),
      JSON.stringify(winnerRule),
    );

  test('malformed variants are refused naming the experiment, by promotion and by the results', async () => {
    await experiment('exp_bad_variants', [{ name: 'b', weight: 1 }]);
    const message = /^experiments\.variants of exp_bad_variants is malformed: \$\[0\]\.version: /;
    expect(await refusal(() => promoteVariant(database.db, 'exp_bad_variants', 'b', 'test'))).toMatch(message);
    expect(await refusal(() => experimentResults(database.db, 'exp_bad_variants'))).toMatch(message);
  });

  test('a malformed winner rule is refused naming the experiment', async () => {
    await experiment('exp_bad_rule', [{ name: 'b', version: 2, weight: 1 }], { minProbability: 'high' });
    expect(await refusal(() => experimentResults(database.db, 'exp_bad_rule'))).toMatch(
      /^experiments\.winner_rule of exp_bad_rule is malformed: \$\.minProbability: /,
    );
  });
});

describe('imports', () => {
  const imports = () =>
    createImportService({
      db: database.db,
      logger: pino({ level: 'silent' }),
      jobs: { start: async () => undefined, cancel: async () => undefined },
      storage: { uploadDir: '', sourceDirs: [] },
    });
  const stored = (id: string, kind: string, errors: unknown) =>
    sql(
      `INSERT INTO imports (id, kind, format, status, errors) VALUES ($1, $2, 'csv', 'completed', $3::jsonb)`,
      id,
      kind,
      JSON.stringify(errors),
    );

  test('malformed errors or an unknown kind are refused naming the import', async () => {
    await stored('imp_bad_errors', 'customers', [{ row: 2, path: '$.email' }]);
    expect(await refusal(() => imports().get('imp_bad_errors'))).toMatch(
      /^imports\.errors of imp_bad_errors is malformed: \$\[0\]\.message: /,
    );
    await stored('imp_bad_kind', 'orders', []);
    expect(await refusal(() => imports().get('imp_bad_kind'))).toMatch(/^imports\.kind of imp_bad_kind is malformed/);
  });

  test('a well-formed row reads back as its report', async () => {
    await stored('imp_good', 'products', [{ row: 2, path: '$.price', message: 'must be a number' }]);
    expect(await imports().get('imp_good')).toMatchObject({
      kind: 'products',
      format: 'csv',
      status: 'completed',
      errors: [{ row: 2, path: '$.price', message: 'must be a number' }],
    });
  });
});

describe('customers', () => {
  test('traits that are not an object are refused naming the customer', async () => {
    await sql(`INSERT INTO customers (id, traits, updated_at) VALUES ('c-bad-traits', '["vip"]', now())`);
    expect(await refusal(() => loadProfileScope(database.db, 'c-bad-traits'))).toBe(
      'customers.traits of c-bad-traits is an array, not a JSON object',
    );
  });

  test('a customer that does not exist has empty traits', async () => {
    expect((await loadProfileScope(database.db, 'c-nobody')).profile).toMatchObject({ id: 'c-nobody', tags: [] });
  });
});
