// An experiment's results: per variant (and the holdout), the customers who entered and those who
// reached the program's goal within its attribution window, then the statistics against the holdout.
import type { Db } from '../db/prisma';
import { HOLDOUT } from '../programs/entry-routing';
import { compareWithHoldout, pickWinner, type Counts, type VariantStats } from './experiment-stats';
import type { ExperimentWinnerRule } from './experiment-schema';
import { storedVariants, storedWinnerRule } from './experiment-rows';

export interface ExperimentResults {
  experimentId: string;
  holdout: Counts & { conversionRate: number | null };
  variants: Record<string, VariantStats>;
  /** The variant the winner rule picks now, or null. */
  winner: string | null;
  rule: ExperimentWinnerRule;
}

export async function experimentResults(db: Db, experimentId: string): Promise<ExperimentResults> {
  const experiment = await db.experiment.findUniqueOrThrow({ where: { id: experimentId } });
  // Enrollments that entered in their customer's assigned variant since the experiment began, and
  // which of them reached the goal within its window: a conversion counts for the entry it follows.
  const rows = await db.$queryRaw<{ variant: string; entered: bigint; converted: bigint }[]>`
    WITH entered AS (
      SELECT s.enrollment_id, s.customer_id, a.variant
      FROM assignments a
      JOIN journey_steps s ON s.customer_id = a.customer_id AND s.program_id = ${experiment.programId}
        AND s.variant = a.variant AND s.kind = 'enter' AND s.outcome = 'entered' AND s.at >= ${experiment.startedAt}
      WHERE a.experiment_id = ${experimentId}
    )
    SELECT e.variant, count(DISTINCT e.customer_id) AS entered, count(DISTINCT g.customer_id) AS converted
    FROM entered e
    LEFT JOIN journey_steps g ON g.enrollment_id = e.enrollment_id AND g.kind = 'goal' AND g.outcome = 'converted'
      AND (g.detail->>'attributed')::boolean
    GROUP BY e.variant`;
  const counts = new Map(rows.map((r) => [r.variant, { entered: Number(r.entered), converted: Number(r.converted) }]));
  const holdout = counts.get(HOLDOUT) ?? { entered: 0, converted: 0 };
  const names = storedVariants(experiment).map((v) => v.name);
  const variants = Object.fromEntries(
    names.map((n) => [n, compareWithHoldout(counts.get(n) ?? { entered: 0, converted: 0 }, holdout)]),
  );
  const rule = storedWinnerRule(experiment);
  return {
    experimentId,
    holdout: { ...holdout, conversionRate: holdout.entered ? holdout.converted / holdout.entered : null },
    variants,
    winner: pickWinner(variants, rule),
    rule,
  };
}
