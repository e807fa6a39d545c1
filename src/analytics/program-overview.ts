// What the programs list shows beside each program: customers in it now, who entered and who
// converted in the last 7 days, and the experiment or staged rollout running on it. One aggregate
// over the step records, however many customers there are.
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
  // Step times are UTC timestamps without a zone: compare with UTC now, not the session's clock.
  const [counts, experiments, rollouts] = await Promise.all([
    db.$queryRaw<CountRow[]>`
      SELECT program_id,
             count(*) FILTER (WHERE kind = 'enter' AND outcome = 'entered')
               - count(*) FILTER (WHERE kind = 'exit' AND NOT (detail ? 'next')) AS active,
             count(*) FILTER (WHERE kind = 'enter' AND outcome = 'entered'
                                AND at > (now() AT TIME ZONE 'UTC') - interval '7 days') AS entered,
             count(*) FILTER (WHERE kind = 'goal' AND outcome = 'converted'
                                AND at > (now() AT TIME ZONE 'UTC') - interval '7 days') AS converted
      FROM journey_steps
      WHERE kind IN ('enter', 'exit', 'goal')
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
