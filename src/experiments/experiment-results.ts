// An experiment's results: per variant (and the holdout), the customers who entered and those who
// reached the program's goal within its attribution window, then the statistics against the holdout.
import type { Db } from '../db/prisma';
import { HOLDOUT } from '../contracts/requests/experiment-schema';
import { compareWithHoldout, pickWinner, type Counts, type VariantStats } from './experiment-stats';
import type { ExperimentWinnerRule } from '../contracts/requests/experiment-schema';
import { storedVariants, storedWinnerRule } from './experiment-rows';

export interface ExperimentResults {
  experimentId: string;
  holdout: Counts & { conversionRate: number | null };
  variants: Record<string, VariantStats>;
  /** The variant the winner rule picks now, or null. */
  winner: string | null;
  rule: ExperimentWinnerRule;
  /** Per UTC day and series (a variant or the holdout): customers who first entered that day; how many converted. */
  timeline: { day: string; series: string; entered: number; converted: number }[];
}

export async function experimentResults(db: Db, experimentId: string): Promise<ExperimentResults> {
  const experiment = await db.experiment.findUniqueOrThrow({ where: { id: experimentId } });
  // Customers who entered in their assigned variant since the experiment began, by the day of their
  // first entry, and whether an entry of theirs reached the goal within its window (a conversion
  // counts for the entry it follows). Summed over the days, these are the experiment's totals.
  const rows = await db.$queryRaw<{ variant: string; day: string; entered: bigint; converted: bigint }[]>`
    WITH entered AS (
      SELECT s.enrollment_id, s.customer_id, a.variant, s.at
      FROM assignments a
      JOIN journey_steps s ON s.customer_id = a.customer_id AND s.program_id = ${experiment.programId}
        AND s.variant = a.variant AND s.kind = 'enter' AND s.outcome = 'entered' AND s.at >= ${experiment.startedAt}
      WHERE a.experiment_id = ${experimentId}
    ), customers AS (
      SELECT e.customer_id, e.variant, min(e.at) AS first_at, bool_or(g.enrollment_id IS NOT NULL) AS converted
      FROM entered e
      LEFT JOIN journey_steps g ON g.enrollment_id = e.enrollment_id AND g.kind = 'goal' AND g.outcome = 'converted'
        AND (g.detail->>'attributed')::boolean
      GROUP BY 1, 2
    )
    SELECT variant, to_char(first_at, 'YYYY-MM-DD') AS day, count(*) AS entered,
           count(*) FILTER (WHERE converted) AS converted
    FROM customers
    GROUP BY 1, 2
    ORDER BY 2, 1`;
  const timeline = rows.map((r) => ({
    day: r.day,
    series: r.variant,
    entered: Number(r.entered),
    converted: Number(r.converted),
  }));
  const counts = new Map<string, Counts>();
  for (const t of timeline) {
    const c = counts.get(t.series) ?? { entered: 0, converted: 0 };
    counts.set(t.series, { entered: c.entered + t.entered, converted: c.converted + t.converted });
  }
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
    timeline,
  };
}
