// Step records written in one statement: every field as Prisma reads it back (the time to the
// millisecond, in UTC whatever the server's zone), and a retried batch inserts nothing twice.
import { createJourneyActivities } from '../../activities/journey-activities';
import type { StepRecord } from '../../src/core/calls';
import { admin, createTestDatabase, type TestDatabase } from '../helpers/database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await admin(
    database.url,
    `ALTER DATABASE ${new URL(database.url).pathname.slice(1)} SET timezone = 'Asia/Kathmandu'`,
  );
});
afterAll(() => database?.drop());

const step = (seq: number, at: number, extra: Partial<StepRecord> = {}): StepRecord => ({
  id: `welcome/e-1/${seq}`,
  customerId: 'ana',
  enrollmentId: 'welcome/e-1',
  programId: 'welcome',
  version: 2,
  variant: null,
  stepId: 'send-1',
  kind: 'send',
  outcome: 'sent',
  detail: { key: 'k', nested: { n: 1 } },
  at,
  ...extra,
});

test('a batch is stored field for field, and a retried batch adds only what is missing', async () => {
  const { recordSteps } = createJourneyActivities({ db: database.db });
  const first = [
    step(1, 1_733_520_000_123),
    step(2, 1_733_520_000_999, { variant: 'B', kind: 'exit', outcome: 'completed', detail: {} }),
  ];
  await recordSteps(first);
  await recordSteps([...first, step(3, 1_733_520_001_001, { outcome: 'skipped' })]);

  const rows = await database.db.journeyStep.findMany({ orderBy: { id: 'asc' } });
  expect(rows.map((r) => ({ ...r, at: r.at.getTime() }))).toEqual([
    step(1, 1_733_520_000_123),
    step(2, 1_733_520_000_999, { variant: 'B', kind: 'exit', outcome: 'completed', detail: {} }),
    step(3, 1_733_520_001_001, { outcome: 'skipped' }),
  ]);
});
