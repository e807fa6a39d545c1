// Step records: one row per journey transition, the basis of the customer trace, and of program
// analytics through the counters each write adds to.
import type { StepRecord } from '../core/calls';
import { sqlRows, type Db } from '../db/prisma';

/**
 * Adds the step records a statement inserted (its CTE `inserted`, rows of journey_steps) to the
 * analytics counters: per version, variant and step in journey_step_counts, and entries and
 * conversions per UTC day in program_daily_counts. What each record adds is the SQL function
 * journey_step_measures (prisma/migrations/20261207040000_journey_step_counts). Only rows actually
 * inserted are counted, so a retried write adds nothing. Counter rows are locked in key order, so
 * two writers never wait on each other in a cycle.
 */
export const COUNT_INSERTED_STEPS = `
  measured AS (
    SELECT i.program_id, coalesce(i.variant, '') AS variant, i.at::date AS day, m.*
      FROM inserted i, LATERAL journey_step_measures(i.kind, i.outcome, i.version, i.step_id, i.detail) m
  ),
  step_counts AS (
    INSERT INTO journey_step_counts AS c (program_id, version, variant, step_id, measure, n)
    SELECT program_id, version, variant, step_id, measure, sum(n) FROM measured
     WHERE step_id IS NOT NULL AND (step_id <> '-' OR measure <> 'waiting')
     GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0
     ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (program_id, version, variant, step_id, measure) DO UPDATE SET n = c.n + excluded.n
  )
  INSERT INTO program_daily_counts AS c (program_id, day, measure, n)
  SELECT program_id, day, measure, sum(n) FROM measured WHERE measure IN ('entered', 'converted')
   GROUP BY 1, 2, 3
   ORDER BY 1, 2, 3
  ON CONFLICT (program_id, day, measure) DO UPDATE SET n = c.n + excluded.n`;

/**
 * A batch in one statement, with no transaction around it (Prisma's createMany adds one): the rows'
 * ids are deterministic, so a retried write inserts only what is missing. `at` is epoch ms, stored
 * in UTC without time zone as Prisma writes timestamps.
 */
const INSERT = `
  WITH inserted AS (
    INSERT INTO journey_steps (id, customer_id, enrollment_id, program_id, version, variant, step_id, kind, outcome,
                               detail, at)
    SELECT id, "customerId", "enrollmentId", "programId", version, variant, "stepId", kind, outcome, detail,
           to_timestamp(at / 1000.0) AT TIME ZONE 'UTC'
      FROM jsonb_to_recordset($1::jsonb) AS t(id text, "customerId" text, "enrollmentId" text, "programId" text,
           version int, variant text, "stepId" text, kind text, outcome text, detail jsonb, at bigint)
    ON CONFLICT (id) DO NOTHING
    RETURNING *
  ),
  ${COUNT_INSERTED_STEPS}`;

export async function writeStepRecords(db: Db, records: StepRecord[]): Promise<void> {
  await sqlRows(db, INSERT, [JSON.stringify(records)]);
}
