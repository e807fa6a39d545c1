// A segment's persona: its current members' size over time, value, categories, engagement,
// countries and overlaps, each beside the same figure over every customer (src/personas/base-figures.ts).
// The member statements run side by side on the pool.
import type { Clock } from '../clock';
import type { PersonaQuery } from '../contracts/routes/personas';
import { NotFoundError } from '../core/errors';
import type { Db } from '../db/prisma';
import { memberCategories, memberMessagesSent } from './activity-sql';
import { baseFigures, ENGAGEMENT_DAYS } from './base-figures';
import { figure, mean, ratio } from './figures';
import { segmentOverlaps } from './overlap-sql';
import { categories, countries, overlaps, valuesOf } from './persona-parts';
import { periodOf } from './period';
import { memberProfile } from './population-sql';
import { sizeOverTime } from './size-over-time';

export interface PersonaOptions {
  db: Db;
  clock: Clock;
  /** How old the base's figures may be before a persona reads them again. */
  baseMaxAgeMs: number;
}

export function createPersonas({ db, clock, baseMaxAgeMs }: PersonaOptions) {
  const base = baseFigures(db, clock, baseMaxAgeMs);

  async function persona(id: string, query: PersonaQuery) {
    const segment = await db.segment.findUnique({ where: { id }, select: { id: true, name: true } });
    if (!segment) throw new NotFoundError(`segment ${id}`);
    const now = clock.now();
    const period = periodOf(query, now);
    const since = new Date(now.getTime() - ENGAGEMENT_DAYS * 86_400_000);
    const [everyone, members, points, lines, sent, shared] = await Promise.all([
      base(),
      memberProfile(db, id),
      sizeOverTime(db, id, period, query.interval),
      memberCategories(db, id),
      memberMessagesSent(db, id, since),
      segmentOverlaps(db, id),
    ]);
    const size = members.profile.customers;
    const customers = everyone.profile.customers;
    const [m, b] = [valuesOf(members.profile), valuesOf(everyone.profile)];
    return {
      segment,
      customers,
      baseAt: everyone.at,
      members: size,
      share: ratio(size, customers),
      sizeOverTime: { interval: query.interval, period, points },
      value: {
        lifetimeValue: { mean: figure(m.ltvMean, b.ltvMean), median: figure(m.ltvMedian, b.ltvMedian) },
        averageOrderValue: figure(m.aov, b.aov),
        orders: figure(m.orders, b.orders),
        buyers: figure(m.buyers, b.buyers),
      },
      engagement: {
        opens30d: figure(m.opens, b.opens),
        clicks30d: figure(m.clicks, b.clicks),
        messagesSent30d: figure(mean(sent, size), mean(everyone.messagesSent, customers)),
      },
      categories: categories(lines, everyone.categories),
      countries: countries(members.countries, everyone.countries, size, customers),
      overlaps: overlaps(shared, everyone.segmentSizes, size, customers),
    };
  }

  return { persona };
}

export type Personas = ReturnType<typeof createPersonas>;
