// The admin API for programs: drafts, versions and their diffs, launch, states, analytics.
import { programAnalytics } from '../analytics/program-analytics';
import { NO_OVERVIEW, programOverviews } from '../analytics/program-overview';
import type { programRoutes } from '../contracts/routes/programs';
import type { Db } from '../db/prisma';
import type { ProgramService } from '../programs/program-service';
import type { Handlers } from './mount-routes';

export function programHandlers(deps: { programs: ProgramService; db: Db }): Handlers<typeof programRoutes> {
  const { programs } = deps;
  return {
    list: async () => {
      const [all, overviews] = await Promise.all([programs.list(), programOverviews(deps.db)]);
      return all.map((p) => ({ ...p, ...(overviews.get(p.id) ?? NO_OVERVIEW) }));
    },
    create: ({ body, principal }) => programs.create(body.id, body.definition, principal.keyId),
    get: ({ params }) => programs.get(params.id),
    updateDraft: ({ params, body, principal }) => programs.updateDraft(params.id, body.definition, principal.keyId),
    versions: ({ params }) => programs.versions(params.id),
    publish: async ({ params, body, principal }) => {
      const published = await programs.publish(params.id, principal.keyId, body.migrate);
      return published.unchanged ? { status: 200, body: published } : { status: 201, body: published };
    },
    version: ({ params }) => programs.version(params.id, params.version),
    diff: ({ params, query }) => programs.diff(params.id, query.from, query.to),
    launch: ({ params, body, principal }) => programs.launch(params.id, body.version, principal.keyId),
    pause: ({ params, principal }) => programs.changeState(params.id, 'pause', principal.keyId),
    resume: ({ params, principal }) => programs.changeState(params.id, 'resume', principal.keyId),
    stop: ({ params, principal }) => programs.changeState(params.id, 'stop', principal.keyId),
    archive: ({ params, principal }) => programs.changeState(params.id, 'archive', principal.keyId),
    analytics: async ({ params }) => {
      await programs.get(params.id);
      return programAnalytics(deps.db, params.id);
    },
  };
}
