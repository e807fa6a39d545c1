// Personas: what a segment's current members are like, each figure beside the whole customer base's.
import { z } from 'zod';
import { instant } from '../response-parts';
import { route } from '../route';

const DAY_MS = 86_400_000;
/** The longest size-over-time period. */
const MAX_PERIOD_DAYS = 366;

const date = z.iso.date();

export const personaQuery = z
  .strictObject({
    from: date.optional().meta({ description: 'First UTC day of the size-over-time period, YYYY-MM-DD; with `to`' }),
    to: date.optional().meta({ description: 'Last UTC day of the period (included), YYYY-MM-DD; with `from`' }),
    interval: z.enum(['day', 'week']).default('day').meta({
      description: 'A point per day, or per 7 days from `from`. Without a period: the last 30 days, or 12 weeks',
    }),
  })
  .superRefine((q, ctx) => {
    if ((q.from === undefined) !== (q.to === undefined)) {
      const missing = q.from === undefined ? 'from' : 'to';
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message: `is needed with ${missing === 'from' ? 'to' : 'from'}`,
      });
    } else if (q.from !== undefined && q.to !== undefined && !Number.isNaN(Date.parse(q.from) + Date.parse(q.to))) {
      // (Refinements run even when a day failed its own check: that one's issue is enough.)
      if (q.to < q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
      else if ((Date.parse(q.to) - Date.parse(q.from)) / DAY_MS + 1 > MAX_PERIOD_DAYS)
        ctx.addIssue({ code: 'custom', path: ['to'], message: `the period is at most ${MAX_PERIOD_DAYS} days` });
    }
  });

export type PersonaQuery = z.output<typeof personaQuery>;

const count = z.int().nonnegative();
const share = z.number().min(0).max(1).meta({ description: 'A share, 0 to 1, to four places; 0 of nobody is 0' });
const index = z.number().nullable().meta({
  description: 'The segment’s value over the base’s, to two places (2.3: 2.3× the average); null when the base’s is 0',
});
const day = z.string().meta({ description: 'A UTC day, YYYY-MM-DD' });

const figure = (description: string) =>
  z
    .strictObject({
      segment: z.number().meta({ description: 'Over the segment’s current members' }),
      base: z.number().meta({ description: 'Over every customer' }),
      index,
    })
    .meta({ description });

const persona = z
  .strictObject({
    segment: z.strictObject({ id: z.string(), name: z.string() }),
    customers: count.meta({ description: 'The base: every customer (merged ones counted once, in their survivor)' }),
    baseAt: instant.meta({
      description:
        'When the base’s figures were read: a process reads them again, in the background, once 5 minutes old',
    }),
    members: count.meta({ description: 'Current members: an open spell' }),
    share: share.meta({ description: 'members / customers' }),
    sizeOverTime: z.strictObject({
      interval: z.enum(['day', 'week']),
      period: z.strictObject({ from: day, to: day }),
      points: z.array(
        z.strictObject({
          start: day,
          end: day.meta({ description: 'Last day of the point (a week may be cut short by the period’s end)' }),
          members: count.meta({ description: 'Customers who had entered by the end of that day and not left by then' }),
        }),
      ),
    }),
    value: z.strictObject({
      lifetimeValue: z.strictObject({
        mean: figure('Total spent per customer; a customer without purchases counts as 0'),
        median: figure('The middle total spent'),
      }),
      averageOrderValue: figure('Total spent over orders'),
      orders: figure('Orders per customer'),
      buyers: figure('The share who have ordered at least once'),
    }),
    engagement: z.strictObject({
      opens30d: figure('Email opens per customer in the last 30 days (computed traits)'),
      clicks30d: figure('Email clicks per customer in the last 30 days (computed traits)'),
      messagesSent30d: figure('Messages sent per customer in the last 30 days'),
    }),
    categories: z
      .array(
        z.strictObject({
          category: z.string().nullable().meta({ description: 'null: products without a category' }),
          revenue: z.number().meta({ description: "The members' order lines in it: price times quantity" }),
          share: share.meta({ description: "Of the members' revenue" }),
          baseShare: share.meta({ description: "Of every customer's revenue" }),
          index,
        }),
      )
      .meta({ description: 'The 10 categories of most revenue from the members, all time' }),
    countries: z
      .array(
        z.strictObject({
          country: z.string().nullable().meta({ description: 'null: not known' }),
          members: count,
          share: share.meta({ description: 'Of the members' }),
          baseShare: share.meta({ description: 'Of every customer' }),
          index,
        }),
      )
      .meta({ description: 'Every country of a member, most members first' }),
    overlaps: z
      .array(
        z.strictObject({
          segmentId: z.string(),
          name: z.string(),
          members: count.meta({ description: 'Its members when the base’s figures were read (`baseAt`)' }),
          both: count.meta({ description: 'Current members of both' }),
          shareOfThis: share.meta({ description: 'both / this segment’s members' }),
          shareOfOther: share.meta({ description: 'both / its members, at most 1' }),
          baseShare: share.meta({ description: 'Its members / every customer' }),
          index: index.meta({ description: 'shareOfThis / baseShare: how much likelier a member is to be in it' }),
        }),
      )
      .meta({ description: 'Every other segment not archived, most shared members first' }),
  })
  .meta({ id: 'Persona' });

export const personaRoutes = {
  persona: route({
    method: 'get',
    path: '/v1/segments/:id/persona',
    scope: 'read',
    tag: 'Segments',
    summary:
      "What a segment's customers are like, beside every customer: size over time, value, categories, engagement",
    description:
      'Figures are over the current members (an open spell) and, beside each, over every customer; a customer ' +
      'without computed traits has no purchases, no engagement and no known country. Revenue is order lines’ ' +
      'price times quantity. Size over time counts, at the end of each day or week, the spells entered by then ' +
      'and not left by then.',
    query: personaQuery,
    responses: { 200: { description: 'OK', schema: persona } },
  }),
};
