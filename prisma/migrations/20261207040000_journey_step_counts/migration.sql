-- Program analytics from counters kept as step records are written (issue 16): reading the records
-- themselves scanned every record of the program (3.0 s at 100k customers, `npm run bench --
-- console`). The statement that inserts step records adds what it actually inserted to these
-- counters (src/trace/step-records.ts), so a retried write counts nothing twice. Counters are
-- bigint sums per key, so concurrent writers add to them without reading them. Erasing a
-- customer only renames journey_steps.customer_id, and no code deletes step records.
-- (No semicolon may appear inside a statement or a comment here: Prisma's pg adapter splits the
-- script at every one.)

-- CreateTable
CREATE TABLE "journey_step_counts" (
    "program_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "variant" TEXT NOT NULL,
    "step_id" TEXT NOT NULL,
    "measure" TEXT NOT NULL,
    "n" BIGINT NOT NULL,

    CONSTRAINT "journey_step_counts_pkey" PRIMARY KEY ("program_id","version","variant","step_id","measure")
);

-- CreateTable
CREATE TABLE "program_daily_counts" (
    "program_id" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "measure" TEXT NOT NULL,
    "n" BIGINT NOT NULL,

    CONSTRAINT "program_daily_counts_pkey" PRIMARY KEY ("program_id","day","measure")
);

-- What one step record adds to the counters, at a version and step:
-- - waiting: every record moves its enrollment from the step it ran at (-1) to the step it points
--   to (+1): an entry into its start step, a migration to its new version's step, a final exit
--   (no `next`) out of the program, a held send or a conversion back to where it was. Summed,
--   the moves leave the customers at each step now. Refused entries move nobody, and neither do
--   records at no step (`-`: a conversion after the journey ended).
-- - entered, converted (attributed too when the goal credits the journey), and exit:<reason> for
--   a final exit, at the step where it happened.
-- - visits: a step completed (an exit step's own record, with `next: null`, is a visit).
CREATE FUNCTION journey_step_measures(kind TEXT, outcome TEXT, at_version INTEGER, at_step TEXT, detail JSONB)
RETURNS TABLE (version INTEGER, step_id TEXT, measure TEXT, n INTEGER) LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN kind = 'migrate' THEN (detail->>'toVersion')::int ELSE at_version END,
         CASE WHEN kind = 'enter' OR outcome = 'held' THEN at_step
              WHEN kind = 'migrate' THEN detail->>'toStep'
              WHEN kind = 'exit' AND NOT (detail ? 'next') THEN NULL
              ELSE coalesce(detail->>'next', at_step) END,
         'waiting', 1
   WHERE outcome <> 'not entered'
  UNION ALL
  SELECT at_version, at_step, 'waiting', -1 WHERE kind <> 'enter' AND outcome <> 'not entered'
  UNION ALL
  SELECT at_version, at_step,
         CASE kind WHEN 'enter' THEN 'entered' WHEN 'goal' THEN 'converted' ELSE 'exit:' || outcome END, 1
   WHERE (kind = 'enter' AND outcome = 'entered')
      OR (kind = 'goal' AND outcome = 'converted')
      OR (kind = 'exit' AND NOT (detail ? 'next'))
  UNION ALL
  SELECT at_version, at_step, 'attributed', 1
   WHERE kind = 'goal' AND outcome = 'converted' AND coalesce((detail->>'attributed')::boolean, false)
  UNION ALL
  SELECT at_version, at_step, 'visits', 1 WHERE kind NOT IN ('enter', 'goal') AND (kind <> 'exit' OR detail ? 'next')
$$;

-- The records written before this migration.
INSERT INTO journey_step_counts (program_id, version, variant, step_id, measure, n)
SELECT s.program_id, m.version, coalesce(s.variant, ''), m.step_id, m.measure, sum(m.n)
  FROM journey_steps s, LATERAL journey_step_measures(s.kind, s.outcome, s.version, s.step_id, s.detail) m
 WHERE m.step_id IS NOT NULL AND (m.step_id <> '-' OR m.measure <> 'waiting')
 GROUP BY 1, 2, 3, 4, 5 HAVING sum(m.n) <> 0;

INSERT INTO program_daily_counts (program_id, day, measure, n)
SELECT s.program_id, s.at::date, m.measure, sum(m.n)
  FROM journey_steps s, LATERAL journey_step_measures(s.kind, s.outcome, s.version, s.step_id, s.detail) m
 WHERE m.measure IN ('entered', 'converted')
 GROUP BY 1, 2, 3;
