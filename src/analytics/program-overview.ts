// What the programs list shows beside each program: customers in it now, who entered and who
// converted in the last 7 days (today and the 6 UTC days before it), and the experiment or staged
// rollout running on it. Read from the counters a trigger keeps as step records are written
// (prisma/migrations/*_journey_step_counts), however many customers there are.
import type { Db } from '../db/prisma';

export interface ProgramOverview {
  activeNow: number;
  entered7d: number;
  converted7d: number;
  experiment: { id: string } | null;
  rollout: { id: string; percent: number } | null;
}

type CountRow = { program_id: string; active: bigint; entered: bigint; converted: bigint };

export async function programOverviews(db: Db): Promise<Map<string, ProgramOverview>> {
  // Days are UTC days: compare with UTC now, not the session's clock.
  const [counts, experiments, rollouts] = await Promise.all([
    db.$queryRaw<CountRow[]>`
      SELECT program_id, sum(active)::bigint AS active, sum(entered)::bigint AS entered,
             sum(converted)::bigint AS converted
      FROM (
        SELECT program_id, n AS active, 0 AS entered, 0 AS converted
          FROM journey_step_counts WHERE measure = 'waiting'
        UNION ALL
        SELECT program_id, 0, CASE measure WHEN 'entered' THEN n ELSE 0 END,
               CASE measure WHEN 'converted' THEN n ELSE 0 END
          FROM program_daily_counts WHERE day > (now() AT TIME ZONE 'UTC')::date - 7
      ) counts
      GROUP BY program_id`,
    db.experiment.findMany({ where: { status: 'running' }, select: { id: true, programId: true } }),
    db.rollout.findMany({ where: { status: 'running' }, select: { id: true, programId: true, percent: true } }),
  ]);
  const overviews = new Map<string, ProgramOverview>();
  const of = (programId: string) => {
    let o = overviews.get(programId);
    if (!o)
      overviews.set(programId, (o = { activeNow: 0, entered7d: 0, converted7d: 0, experiment: null, rollout: null }));
    return o;
  };
  for (const r of counts)
    Object.assign(of(r.program_id), {
      activeNow: Math.max(0, Number(r.active)),
      entered7d: Number(r.entered),
      converted7d: Number(r.converted),
    });
  for (const e of experiments) of(e.programId).experiment = { id: e.id };
  for (const r of rollouts) of(r.programId).rollout = { id: r.id, percent: r.percent };
  return overviews;
}

export const NO_OVERVIEW: ProgramOverview = {
  activeNow: 0,
  entered7d: 0,
  converted7d: 0,
  experiment: null,
  rollout: null,
};
