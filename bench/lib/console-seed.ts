// The console measure's program: 50 steps (wait, send, branch, repeated, then an exit step),
// published and launched through the program service, and 100,000 customers' step records and
// messages written by set-based SQL, shaped as the journey engine writes them (src/core), so the
// aggregate queries in src/analytics read what they read in production.
import { Client as Pg } from 'pg';
import { createProgramService } from '../../src/programs/program-service';
import { COUNT_INSERTED_STEPS } from '../../src/trace/step-records';
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';
import { seedTemplates } from '../../test/helpers/seed';
import type { BenchWorld } from './world';

export const CONSOLE_PROGRAM = 'console-50';
export const CHAIN = 49; // s01..s49, then `done`: 50 steps
export const CUSTOMERS = 100_000;
const TEMPLATE = 'bench-console';

const stepId = (i: number) => (i > CHAIN ? 'done' : `s${String(i).padStart(2, '0')}`);
const kindAt = (i: number) => (['branch', 'wait', 'send'] as const)[i % 3]!;

/** s01 waits, s02 sends, s03 branches (disengaged customers leave for `done`), and so on. */
function fiftySteps(): ProgramDefinitionInput {
  const steps: Record<string, unknown> = { done: { kind: 'exit' } };
  for (let i = 1; i <= CHAIN; i++) {
    const next = stepId(i + 1);
    const kind = kindAt(i);
    if (kind === 'wait') steps[stepId(i)] = { kind, duration: `${i}h`, next };
    else if (kind === 'send') steps[stepId(i)] = { kind, channel: 'email', template: TEMPLATE, next };
    else
      steps[stepId(i)] = {
        kind,
        cases: [{ when: { field: 'profile.engaged', op: 'eq', value: false }, next: 'done' }],
        default: next,
      };
  }
  return {
    name: 'Fifty steps',
    entry: { event: 'bench_console_signup' },
    goal: { event: { type: 'purchase' }, window: '7d' },
    start: stepId(1),
    steps,
  } as ProgramDefinitionInput;
}

// SQL for the step id at a position and the kind of step there (the same rule as above).
const sid = (e: string) => `CASE WHEN ${e} > ${CHAIN} THEN 'done' ELSE 's' || lpad((${e})::text, 2, '0') END`;
const kind = (e: string) => `(ARRAY['branch', 'wait', 'send'])[(${e}) % 3 + 1]`;

/**
 * Each customer enters once and completes k steps of the chain (k is skewed low, a funnel), then:
 * 55 % wait at a wait step, 15 % convert, 10 % leave at a branch, 5 % fail a send, 15 % finish.
 * Sends are sent, or skipped (frequency cap 8 %, quiet hours 4 %). Entries span the last 14 days.
 */
const SEED_SQL = `
SELECT setseed(0.42);
CREATE TEMP TABLE bc AS
SELECT c, fate, entered_at, 'bench-console-' || c AS customer, '${CONSOLE_PROGRAM}/evt-' || c AS enr,
       CASE fate WHEN 'waiting' THEN 3 * (d / 3) WHEN 'goal' THEN d WHEN 'branched' THEN greatest(3, 3 * (d / 3))
                 WHEN 'failed' THEN least(47, 3 * (d / 3) + 2) ELSE ${CHAIN} END AS k
FROM (SELECT c, floor(${CHAIN} * u * u)::int AS d,
             CASE WHEN f < 0.55 THEN 'waiting' WHEN f < 0.70 THEN 'goal' WHEN f < 0.80 THEN 'branched'
                  WHEN f < 0.85 THEN 'failed' ELSE 'completed' END AS fate,
             (now() AT TIME ZONE 'UTC') - interval '1 hour' - (c % 20160) * interval '1 minute' AS entered_at
      FROM (SELECT c, random() AS u, random() AS f FROM generate_series(1, ${CUSTOMERS}) c) r) x;

INSERT INTO customers (id, updated_at) SELECT customer, entered_at FROM bc;

CREATE TEMP TABLE bs AS
SELECT bc.*, i, ${sid('i')} AS step, ${kind('i')} AS kind, entered_at + i * interval '1 minute' AS at,
       CASE WHEN ${kind('i')} = 'wait' THEN 'waited'
            WHEN ${kind('i')} = 'branch' THEN CASE WHEN fate = 'branched' AND i = k THEN 'case 0' ELSE 'default' END
            WHEN fate = 'failed' AND i = k THEN 'failed: bounced'
            WHEN (c * 31 + i * 17) % 100 < 8 THEN 'skipped: frequency cap'
            WHEN (c * 31 + i * 17) % 100 < 12 THEN 'skipped: quiet hours'
            ELSE 'sent' END AS outcome
FROM bc, generate_series(1, k) i;

WITH inserted AS (
INSERT INTO journey_steps (id, customer_id, enrollment_id, program_id, version, step_id, kind, outcome, detail, at)
SELECT enr || '/0', customer, enr, '${CONSOLE_PROGRAM}', 1, 's01', 'enter', 'entered',
       jsonb_build_object('trigger', 'bench_console_signup', 'eventId', 'evt-' || c), entered_at
FROM bc
UNION ALL
SELECT enr || '/' || i, customer, enr, '${CONSOLE_PROGRAM}', 1, step, kind, outcome,
       jsonb_build_object('next', CASE WHEN outcome = 'case 0' THEN 'done' WHEN outcome LIKE 'failed%' THEN NULL
                                       ELSE ${sid('i + 1')} END), at
FROM bs
UNION ALL -- a conversion, and the exit it causes, at the step the customer was on
SELECT enr || '/' || (k + n), customer, enr, '${CONSOLE_PROGRAM}', 1, ${sid('k + 1')},
       (ARRAY['goal', 'exit'])[n], (ARRAY['converted', 'goal'])[n],
       CASE n WHEN 1 THEN jsonb_build_object('eventId', 'buy-' || c, 'attributed', c % 5 > 0) ELSE '{}' END,
       entered_at + (k + n) * interval '1 minute'
FROM bc, generate_series(1, 2) n WHERE fate = 'goal'
UNION ALL -- the exit step's own record, then the enrollment's exit
SELECT enr || '/' || (k + n), customer, enr, '${CONSOLE_PROGRAM}', 1, 'done', 'exit', 'exit_step',
       CASE n WHEN 1 THEN jsonb_build_object('next', NULL::text) ELSE '{}' END,
       entered_at + (k + n) * interval '1 minute'
FROM bc, generate_series(1, 2) n WHERE fate IN ('branched', 'completed')
UNION ALL
SELECT enr || '/' || (k + 1), customer, enr, '${CONSOLE_PROGRAM}', 1, ${sid('k')}, 'exit', 'failed: bounced', '{}',
       entered_at + (k + 1) * interval '1 minute'
FROM bc WHERE fate = 'failed'
RETURNING *
), -- counted as the engine's writes are counted
${COUNT_INSERTED_STEPS};

INSERT INTO messages (key, customer_id, enrollment_id, program_id, version, step_id, channel, template_id,
                      recipient, subject, status, reason, provider_message_id, scheduled_at, created_at, sent_at)
SELECT enr || '/' || step || '/1', customer, enr, '${CONSOLE_PROGRAM}', 1, step, 'email', '${TEMPLATE}',
       customer || '@example.com', 'Hello', split_part(outcome, ':', 1), nullif(trim(split_part(outcome, ':', 2)), ''),
       CASE WHEN outcome = 'sent' THEN 'sg-' || c || '-' || i END, at, at, CASE WHEN outcome = 'sent' THEN at END
FROM bs WHERE kind = 'send';`;

/** Publishes and launches the program, then writes its customers; returns row counts. */
export async function seedConsoleProgram(world: BenchWorld): Promise<{ stepRecords: number; messages: number }> {
  await seedTemplates(world.db, [TEMPLATE]);
  const programs = createProgramService(world.db);
  await programs.create(CONSOLE_PROGRAM, fiftySteps() as Record<string, unknown>, 'bench');
  const { version } = await programs.publish(CONSOLE_PROGRAM, 'bench');
  await programs.launch(CONSOLE_PROGRAM, version, 'bench');
  // One session: the temporary tables live in it.
  const pg = new Pg({ connectionString: world.databaseUrl });
  await pg.connect();
  try {
    await pg.query(SEED_SQL);
    // As autovacuum would leave them by the time anyone looks: statistics and visibility maps.
    for (const table of ['customers', 'journey_steps', 'journey_step_counts', 'messages'])
      await pg.query(`VACUUM ANALYZE ${table}`);
    const count = async (table: string) =>
      Number((await pg.query(`SELECT count(*) AS n FROM ${table} WHERE program_id = $1`, [CONSOLE_PROGRAM])).rows[0].n);
    return { stepRecords: await count('journey_steps'), messages: await count('messages') };
  } finally {
    await pg.end();
  }
}
