// Cohorts: customers by month of first purchase, and for each month from then on the share of
// them who purchased and what they spent. Read from the cohort cells the refresher keeps
// (src/analytics/audience-rollups.ts): a few hundred rows, however many customers.
import type { Db } from '../db/prisma';
import { analyticsRows } from './audience-sql';
import { ratio } from './audience-period';
import { refreshForRead } from './audience-rollups';

type Cell = { cohort: string; month: string; customers: number; revenue: string };

const CELLS = `
  SELECT to_char(cohort, 'YYYY-MM') AS cohort, to_char(month, 'YYYY-MM') AS month, customers::int, revenue::text
    FROM audience_cohort_cells
   WHERE cohort BETWEEN to_date($1, 'YYYY-MM') AND to_date($2, 'YYYY-MM') AND customers <> 0
   ORDER BY cohort, month`;

const monthIndex = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
const monthOf = (i: number) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;

export async function audienceCohorts(db: Db, q: { from: string; to: string }) {
  await refreshForRead(db);
  const cells = await analyticsRows<Cell>(db, CELLS, [q.from, q.to]);
  const byCohort = new Map<string, Map<string, Cell>>();
  for (const c of cells) {
    const months = byCohort.get(c.cohort) ?? new Map<string, Cell>();
    months.set(c.month, c);
    byCohort.set(c.cohort, months);
  }
  // Every cohort runs to the latest month any of them purchased in, months without purchases as 0.
  const last = Math.max(...cells.map((c) => monthIndex(c.month)));
  const cohorts = [...byCohort.entries()].map(([cohort, months]) => {
    const size = months.get(cohort)?.customers ?? 0;
    const first = monthIndex(cohort);
    return {
      cohort,
      customers: size,
      months: Array.from({ length: last - first + 1 }, (_, offset) => {
        const month = monthOf(first + offset);
        const cell = months.get(month);
        return {
          offset,
          month,
          customers: cell?.customers ?? 0,
          retention: ratio(cell?.customers ?? 0, size),
          revenue: Number(cell?.revenue ?? 0),
        };
      }),
    };
  });
  return { basis: 'first_purchase' as const, cohorts };
}
