// Audience analytics over HTTP: each route hands its parsed query to its analysis.
import { audienceCohorts } from '../analytics/audience-cohorts';
import { audienceFunnel } from '../analytics/audience-funnel';
import { audienceGeography } from '../analytics/audience-geography';
import { audienceRace } from '../analytics/audience-race';
import { audienceTrends } from '../analytics/audience-trends';
import type { audienceRoutes } from '../contracts/routes/audience';
import type { Db } from '../db/prisma';
import type { Handlers } from './mount-routes';

export function audienceHandlers(deps: { db: Db }): Handlers<typeof audienceRoutes> {
  const { db } = deps;
  return {
    funnel: ({ query }) => audienceFunnel(db, query),
    cohorts: ({ query }) => audienceCohorts(db, query),
    trends: ({ query }) => audienceTrends(db, query),
    geography: ({ query }) => audienceGeography(db, query),
    race: ({ query }) => audienceRace(db, query),
  };
}
