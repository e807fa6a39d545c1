// The counters program analytics read (journey_step_counts, program_daily_counts) are added to by
// the statement that writes step records. Whatever the order the records arrive in, however they
// are batched, retried or written concurrently, the analytics must equal what the journeys say:
// a model of each enrollment's path, computed here without SQL.
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { programAnalytics } from '../../src/analytics/program-analytics';
import { programOverviews } from '../../src/analytics/program-overview';
import type { StepRecord } from '../../src/core/calls';
import { writeStepRecords } from '../../src/trace/step-records';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

type Fate = 'waiting' | 'exit_step' | 'goal' | 'failed';
interface Journey {
  version: 1 | 2;
  variant: 'B' | null;
  /** Steps completed along s1 → s2 → s3 → s4 before its fate. */
  done: number;
  fate: Fate;
  attributed: boolean;
}

const journeyArb = fc.record({
  version: fc.constantFrom<1 | 2>(1, 2),
  variant: fc.constantFrom<'B' | null>('B', null),
  done: fc.integer({ min: 0, max: 3 }),
  fate: fc.constantFrom<Fate>('waiting', 'exit_step', 'goal', 'failed'),
  attributed: fc.boolean(),
});

const step = (i: number) => `s${i + 1}`;
const NOW = Date.UTC(2026, 11, 7, 9);

/** The records the engine writes for one enrollment (src/core), in the order it writes them. */
function recordsOf(programId: string, j: Journey, n: number): StepRecord[] {
  const ref = { customerId: `c${n}`, enrollmentId: `${programId}:c${n}`, programId, version: j.version };
  const records: Omit<StepRecord, 'id' | 'at'>[] = [
    { ...ref, variant: j.variant, stepId: step(0), kind: 'enter', outcome: 'entered', detail: {} },
  ];
  for (let i = 0; i < j.done; i++)
    records.push({
      ...ref,
      variant: j.variant,
      stepId: step(i),
      kind: 'wait',
      outcome: 'waited',
      detail: { next: step(i + 1) },
    });
  const at = step(j.done);
  if (j.fate === 'exit_step')
    records.push(
      { ...ref, variant: j.variant, stepId: at, kind: 'exit', outcome: 'exit_step', detail: { next: null } },
      { ...ref, variant: j.variant, stepId: at, kind: 'exit', outcome: 'exit_step', detail: {} },
    );
  if (j.fate === 'goal')
    records.push(
      {
        ...ref,
        variant: j.variant,
        stepId: at,
        kind: 'goal',
        outcome: 'converted',
        detail: { attributed: j.attributed },
      },
      { ...ref, variant: j.variant, stepId: at, kind: 'exit', outcome: 'goal', detail: {} },
    );
  if (j.fate === 'failed')
    records.push({ ...ref, variant: j.variant, stepId: at, kind: 'exit', outcome: 'failed: bounced', detail: {} });
  // A second trigger for the same customer, refused: it moves nobody.
  records.push({ ...ref, variant: null, stepId: '-', kind: 'enter', outcome: 'not entered', detail: {} });
  return records.map((r, seq) => ({ ...r, id: `${r.enrollmentId}/${seq}`, at: NOW - 60_000 * (10 - seq) }));
}

/** What the analytics must say, from the journeys alone. */
function expected(journeys: Journey[]) {
  const groups = new Map<string, Record<string, number>>();
  const add = (j: Journey, ...keys: string[]) => {
    const g = groups.get(`${j.version}|${j.variant ?? ''}`) ?? {};
    for (const key of keys) g[key] = (g[key] ?? 0) + 1;
    groups.set(`${j.version}|${j.variant ?? ''}`, g);
  };
  for (const j of journeys) {
    add(j, 'entered');
    for (let i = 0; i < j.done; i++) add(j, `visits ${step(i)}`);
    const at = step(j.done);
    if (j.fate === 'waiting') add(j, 'active', `waiting ${at}`);
    if (j.fate === 'exit_step') add(j, `visits ${at}`, `exit ${at} exit_step`, 'completed');
    if (j.fate === 'goal') add(j, 'converted', `exit ${at} goal`);
    if (j.fate === 'goal' && j.attributed) add(j, 'attributed');
    if (j.fate === 'failed') add(j, `exit ${at} failed: bounced`);
  }
  return groups;
}

/** The same facts, from what programAnalytics answers. */
async function measured(programId: string) {
  const groups = new Map<string, Record<string, number>>();
  for (const v of (await programAnalytics(database.db, programId)).versions) {
    const g: Record<string, number> = {};
    const put = (key: string, n: number) => n && (g[key] = n);
    put('entered', v.entered);
    put('active', v.active);
    put('completed', v.completed);
    put('converted', v.conversions.converted);
    put('attributed', v.conversions.attributed);
    for (const [id, s] of Object.entries(v.steps)) {
      put(`visits ${id}`, s.visits);
      put(`waiting ${id}`, s.waitingNow);
      for (const [reason, n] of Object.entries(s.exits)) put(`exit ${id} ${reason}`, n);
    }
    groups.set(`${v.version}|${v.variant ?? ''}`, g);
  }
  return groups;
}

test('counters equal the journeys, whatever the order, batching, retries and concurrency of the writes', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(journeyArb, { minLength: 1, maxLength: 12 }),
      fc.array(fc.nat(), { minLength: 1, maxLength: 60 }),
      fc.integer({ min: 1, max: 8 }),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }),
      async (journeys, order, batchSize, retries) => {
        const programId = `counted-${randomUUID()}`;
        const records = journeys.flatMap((j, n) => recordsOf(programId, j, n));
        // A permutation of the records driven by `order`.
        const shuffled = records
          .map((r, i) => ({ r, key: order[i % order.length]! + i / records.length }))
          .sort((a, b) => a.key - b.key)
          .map(({ r }) => r);
        const batches: StepRecord[][] = [];
        for (let i = 0; i < shuffled.length; i += batchSize) batches.push(shuffled.slice(i, i + batchSize));
        // Two batches at a time, each written again when `retries` says so (an activity retried
        // after its write landed).
        for (let i = 0; i < batches.length; i += 2) {
          const pair = batches.slice(i, i + 2);
          await Promise.all(pair.map((b) => writeStepRecords(database.db, b)));
          if (retries[i % retries.length]) await Promise.all(pair.map((b) => writeStepRecords(database.db, b)));
        }
        expect(await measured(programId)).toEqual(expected(journeys));
      },
    ),
    { numRuns: 40 },
  );
});

test('the programs list counts customers in the program now, and entries and conversions in 7 days', async () => {
  const programId = `overview-${randomUUID()}`;
  const journeys: Journey[] = [
    { version: 1, variant: null, done: 1, fate: 'waiting', attributed: false },
    { version: 1, variant: 'B', done: 0, fate: 'goal', attributed: true },
    { version: 2, variant: null, done: 2, fate: 'exit_step', attributed: false },
  ];
  const old = recordsOf(programId, { ...journeys[0]!, fate: 'goal' }, 9).map((r) => ({
    ...r,
    at: Date.now() - 8 * 86_400_000, // entered and converted 8 days ago
  }));
  const recent = journeys.flatMap((j, n) => recordsOf(programId, j, n)).map((r) => ({ ...r, at: Date.now() }));
  await writeStepRecords(database.db, [...old, ...recent]);
  expect((await programOverviews(database.db)).get(programId)).toMatchObject({
    activeNow: 1,
    entered7d: 3,
    converted7d: 1,
  });
});
