// Step records: one row per journey transition, the basis of analytics and the customer trace.
import type { StepRecord } from '../core/calls';
import { sqlRows, type Db } from '../db/prisma';

/**
 * A batch in one statement, with no transaction around it (Prisma's createMany adds one): the rows'
 * ids are deterministic, so a retried write inserts only what is missing. `at` is epoch ms, stored
 * in UTC without time zone as Prisma writes timestamps.
 */
const INSERT = `
  INSERT INTO journey_steps (id, customer_id, enrollment_id, program_id, version, variant, step_id, kind, outcome,
                             detail, at)
  SELECT id, "customerId", "enrollmentId", "programId", version, variant, "stepId", kind, outcome, detail,
         to_timestamp(at / 1000.0) AT TIME ZONE 'UTC'
    FROM jsonb_to_recordset($1::jsonb) AS t(id text, "customerId" text, "enrollmentId" text, "programId" text,
         version int, variant text, "stepId" text, kind text, outcome text, detail jsonb, at bigint)
  ON CONFLICT (id) DO NOTHING`;

export async function writeStepRecords(db: Db, records: StepRecord[]): Promise<void> {
  await sqlRows(db, INSERT, [JSON.stringify(records)]);
}
