// Cohorts: customers by month of first purchase (or first seen, audience-seen.ts), and for each
// month from then on the share of them who purchased and what they spent. Read from the cohort
// cells the refresher keeps (src/analytics/audience-rollups.ts): a few hundred rows, however many
// customers. First-seen sizes also count the profiles of their months, through an index.
import type { CohortsQuery } from '../contracts/requests/audience-queries';
import type { Db } from '../db/prisma';
import { analyticsRows } from './audience-sql';
import { ratio } from './audience-period';
import { refreshForRead } from './audience-rollups';
import { SEEN_COHORT_SIZES } from './audience-seen';

type Cell = { cohort: string; month: string; customers: number; revenue: string };

const cellsOf = (table: string) => `
  SELECT to_char(cohort, 'YYYY-MM') AS cohort, to_char(month, 'YYYY-MM') AS month, customers::int, revenue::text
    FROM ${table}
   WHERE cohort BETWEEN to_date($1, 'YYYY-MM') AND to_date($2, 'YYYY-MM') AND customers <> 0
   ORDER BY cohort, month`;
const CELLS = { first_purchase: cellsOf('audience_cohort_cells'), first_seen: cellsOf('audience_seen_cohort_cells') };

const monthIndex = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
const monthOf = (i: number) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;

/** Each cohort's size: a first-purchase cohort is its month-0 buyers, a first-seen one is counted. */
async function cohortSizes(db: Db, q: CohortsQuery, cells: Cell[]) {
  if (q.basis === 'first_seen') {
    const sizes = await analyticsRows<{ cohort: string; customers: number }>(db, SEEN_COHORT_SIZES, [q.from, q.to]);
    return new Map(sizes.map((s) => [s.cohort, s.customers]));
  }
  return new Map(cells.filter((c) => c.cohort === c.month).map((c) => [c.cohort, c.customers]));
}

export async function audienceCohorts(db: Db, q: CohortsQuery) {
  await refreshForRead(db);
  const cells = await analyticsRows<Cell>(db, CELLS[q.basis], [q.from, q.to]);
  const sizes = await cohortSizes(db, q, cells);
  const byMonth = new Map(cells.map((c) => [`${c.cohort} ${c.month}`, c]));
  // Every cohort runs to the latest month any of them purchased in (or began), months without
  // purchases as 0.
  const last = Math.max(...cells.map((c) => monthIndex(c.month)), ...[...sizes.keys()].map(monthIndex));
  const cohorts = [...sizes.entries()].map(([cohort, size]) => {
    const first = monthIndex(cohort);
    return {
      cohort,
      customers: size,
      months: Array.from({ length: last - first + 1 }, (_, offset) => {
        const month = monthOf(first + offset);
        const cell = byMonth.get(`${cohort} ${month}`);
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
  return { basis: q.basis, cohorts };
}
