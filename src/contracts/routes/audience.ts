// Audience analytics: funnels, cohorts, trends, geography and the RACE view, over all customers.
import { z } from 'zod';
import { route } from '../route';
import { cohortBasis, cohortsQuery, funnelQuery, periodQuery, trendsQuery } from '../requests/audience-queries';

const count = z.int().nonnegative();
const share = z.number().min(0).max(1).meta({ description: 'A share, 0 to 1; 0 when there is no one to share' });
const money = z.number().meta({ description: "Revenue: the sum of order lines' price times quantity" });
const day = z.string().meta({ description: 'A UTC day, YYYY-MM-DD' });
const period = z.strictObject({ from: day, to: day });

const funnelStep = z.strictObject({
  type: z.string(),
  customers: count.meta({ description: 'Customers who reached this step' }),
  conversion: share.meta({ description: 'Of the customers at the first step' }),
  stepConversion: share.meta({ description: 'Of the customers at the previous step' }),
  dropOff: count.meta({ description: 'Customers at the previous step who did not reach this one' }),
});

const funnel = z
  .strictObject({
    period,
    windowHours: z.number(),
    split: z.string().nullable(),
    groups: z.array(
      z.strictObject({
        key: z
          .string()
          .nullable()
          .meta({ description: 'The program, version, variant or segment; null for no split (or no variant)' }),
        steps: z.array(funnelStep),
      }),
    ),
  })
  .meta({ id: 'Funnel' });

const cohorts = z
  .strictObject({
    basis: cohortBasis,
    cohorts: z.array(
      z.strictObject({
        cohort: z.string().meta({ description: 'Month of first purchase (or first seen), YYYY-MM' }),
        customers: count.meta({ description: 'Customers in the cohort' }),
        months: z.array(
          z.strictObject({
            offset: count.meta({ description: 'Months after the cohort month (0: the cohort month)' }),
            month: z.string(),
            customers: count.meta({ description: 'Customers of the cohort who purchased in that month' }),
            retention: share,
            revenue: money,
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'Cohorts' });

const measures = z.strictObject({
  events: z.record(z.string(), count).meta({ description: 'Events by type' }),
  revenue: money,
  orders: count,
  conversions: count.meta({ description: 'Program goal conversions' }),
  messages: z.record(z.string(), count).meta({ description: 'Messages by status, by when the journey asked' }),
});

const trends = z
  .strictObject({
    interval: z.enum(['day', 'week']),
    period,
    previousPeriod: period,
    points: z.array(z.strictObject({ start: day, previousStart: day, current: measures, previous: measures })),
    totals: z.strictObject({ current: measures, previous: measures }),
  })
  .meta({ id: 'Trends' });

const place = {
  customers: count.meta({ description: 'Customers whose traits place them here now' }),
  buyers: count.meta({ description: 'Of them, customers who ordered in the period' }),
  revenue: money,
  conversion: share.meta({ description: 'buyers / customers' }),
};
const geography = z
  .strictObject({
    period,
    countries: z.array(
      z.strictObject({
        country: z.string().nullable(),
        ...place,
        regions: z.array(z.strictObject({ region: z.string().nullable(), ...place })),
      }),
    ),
  })
  .meta({ id: 'Geography' });

const race = z
  .strictObject({
    period,
    reach: z.strictObject({ messaged: count, delivered: count }),
    act: z.strictObject({ customers: count, emailEngaged: count, visited: count }),
    convert: z.strictObject({ customers: count }),
    engage: z.strictObject({ customers: count }),
  })
  .meta({ id: 'Race' });

const ok = <S extends z.ZodType>(schema: S) => ({ 200: { description: 'OK', schema } });

export const audienceRoutes = {
  funnel: route({
    method: 'get',
    path: '/v1/audience/funnel',
    scope: 'read',
    tag: 'Audience',
    summary: 'Customers reaching each of 2 to 8 ordered event steps within a window, per step',
    description:
      "A customer starts at their first event of the first step's type in the period; each next step is their " +
      'earliest event of its type after the previous step, and no later than the window after the first. ' +
      'Split by program, version or variant: customers who entered it in the period (from step records), ' +
      'counted in each they entered. By segment: the segments the customer was a member of at their first step.',
    query: funnelQuery,
    responses: ok(funnel),
    errors: [400],
  }),
  cohorts: route({
    method: 'get',
    path: '/v1/audience/cohorts',
    scope: 'read',
    tag: 'Audience',
    summary:
      'Customers by month of first purchase or first seen: the share who purchased, and revenue, in each month after',
    query: cohortsQuery,
    responses: ok(cohorts),
    errors: [400],
  }),
  trends: route({
    method: 'get',
    path: '/v1/audience/trends',
    scope: 'read',
    tag: 'Audience',
    summary: 'Events by type, revenue, orders, conversions and messages per day or week, beside the period before',
    description:
      'The previous period is as long as this one and ends the day before `from`. Days are UTC days; orders and ' +
      'revenue by the order time, conversions by the goal record, messages by when the journey asked to send.',
    query: trendsQuery,
    responses: ok(trends),
    errors: [400],
  }),
  geography: route({
    method: 'get',
    path: '/v1/audience/geography',
    scope: 'read',
    tag: 'Audience',
    summary: 'Customers, buyers, revenue and conversion by country and region',
    description:
      "Place is the customer's current country and region (computed traits). Conversion is the share of the " +
      "place's customers who ordered in the period; customers with no computed traits are not placed.",
    query: periodQuery,
    responses: ok(geography),
    errors: [400],
  }),
  race: route({
    method: 'get',
    path: '/v1/audience/race',
    scope: 'read',
    tag: 'Audience',
    summary: 'Reach, act, convert, engage: distinct customers at each stage in the period',
    description:
      'Reach: customers a journey sent a message to, asked in the period (`messaged`), and customers with an ' +
      '`email_delivered` event in it (`delivered`). Act: customers with an `email_opened` or `email_clicked` event ' +
      '(`emailEngaged`) or a `page_view` or `site_visit` event (`visited`) in the period, and either (`customers`). ' +
      'Convert: customers who ordered in the period. Engage: customers who ordered in the period and had placed ' +
      'at least two orders by its end (two in it, or one in it and one before). Each stage counts customers, ' +
      'not funnel-wise: a customer may act without having been reached.',
    query: periodQuery,
    responses: ok(race),
    errors: [400],
  }),
};
