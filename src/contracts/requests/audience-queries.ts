// The query parameters of the audience analytics routes. A bad value or combination is a 400 that
// names the parameter (mount-routes turns each zod issue's path into it).
import { z } from 'zod';

const DAY_MS = 86_400_000;
/** The longest period a trend, funnel, geography or RACE query covers. */
export const MAX_PERIOD_DAYS = 366;
/** The longest funnel window: a customer's steps must all fall within it from the first. */
export const MAX_WINDOW_DAYS = 90;
const MAX_COHORTS = 36;

const date = z.iso.date().meta({ description: 'A UTC day, YYYY-MM-DD' });
const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month, YYYY-MM')
  .meta({ description: 'A month, YYYY-MM' });

/**
 * First seen: the month of the customer's profile or of their first purchase, whichever is
 * earlier (an imported purchase history can predate the profile).
 */
export const cohortBasis = z.enum(['first_purchase', 'first_seen']);

const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;

/** `from` and `to` are UTC days, both included. */
const period = {
  from: date.meta({ description: 'First UTC day of the period, YYYY-MM-DD' }),
  to: date.meta({ description: 'Last UTC day of the period (included), YYYY-MM-DD' }),
};

function checkPeriod(q: { from: string; to: string }, ctx: z.RefinementCtx): void {
  if (q.to < q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  else if (days(q.from, q.to) > MAX_PERIOD_DAYS)
    ctx.addIssue({ code: 'custom', path: ['to'], message: `the period is at most ${MAX_PERIOD_DAYS} days` });
}

export const periodQuery = z.strictObject(period).superRefine(checkPeriod);

export const trendsQuery = z
  .strictObject({
    ...period,
    interval: z.enum(['day', 'week']).default('day').meta({ description: 'Points per day, or per 7 days from `from`' }),
  })
  .superRefine(checkPeriod);

export const cohortsQuery = z
  .strictObject({
    from: month.meta({ description: 'First cohort (its month of first purchase or first seen), YYYY-MM' }),
    to: month.meta({ description: 'Last cohort, YYYY-MM' }),
    basis: cohortBasis
      .default('first_purchase')
      .meta({ description: "Group customers by their first purchase's month, or by the month they were first seen" }),
  })
  .superRefine((q, ctx) => {
    const count = (y: string) => Number(y.slice(0, 4)) * 12 + Number(y.slice(5, 7));
    if (q.to < q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    else if (count(q.to) - count(q.from) + 1 > MAX_COHORTS)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `at most ${MAX_COHORTS} cohorts` });
  });

const SPLITS = ['program', 'version', 'variant', 'segment'] as const;

const eventType = z.string().min(1).max(200);

export const funnelQuery = z
  .strictObject({
    ...period,
    steps: z
      .string()
      .transform((s) => s.split(','))
      .pipe(z.array(eventType).min(2).max(8))
      .meta({ description: 'Event types in order, comma-separated, 2 to 8' }),
    window: z
      .string()
      .regex(/^[1-9]\d{0,4}[hd]$/, 'must be a number of hours or days, such as 36h or 7d')
      .transform((w) => Number(w.slice(0, -1)) * (w.endsWith('d') ? DAY_MS : DAY_MS / 24))
      .prefault('7d')
      .meta({ description: 'How long after the first step the last may come: 36h, 7d; at most 90d' }),
    split: z.enum(SPLITS).optional().meta({ description: 'One funnel per program, version, variant or segment' }),
    program: z.string().min(1).max(200).optional().meta({
      description: 'Only customers who entered this program in the period; needed to split by version or variant',
    }),
  })
  .superRefine((q, ctx) => {
    checkPeriod(q, ctx);
    if (q.window > MAX_WINDOW_DAYS * DAY_MS)
      ctx.addIssue({ code: 'custom', path: ['window'], message: `must be at most ${MAX_WINDOW_DAYS}d` });
    if ((q.split === 'version' || q.split === 'variant') && !q.program)
      ctx.addIssue({ code: 'custom', path: ['program'], message: `is needed to split by ${q.split}` });
    if (q.split === 'segment' && q.program)
      ctx.addIssue({ code: 'custom', path: ['program'], message: 'cannot be combined with a split by segment' });
  });

export type FunnelQuery = z.output<typeof funnelQuery>;
export type CohortsQuery = z.output<typeof cohortsQuery>;
