// The admin API for segments: drafts, versions, archive; and a customer's spells in segments.
import type { segmentRoutes } from '../contracts/routes/segments';
import type { SegmentService } from '../segments/segment-service';
import type { Handlers } from './mount-routes';

export function segmentHandlers(deps: { segments: SegmentService }): Handlers<typeof segmentRoutes> {
  const { segments } = deps;
  return {
    list: () => segments.list(),
    create: ({ body, principal }) => segments.create(body.id, body.definition, principal.keyId),
    get: ({ params }) => segments.get(params.id),
    updateDraft: ({ params, body, principal }) => segments.updateDraft(params.id, body.definition, principal.keyId),
    publish: async ({ params, principal }) => {
      const published = await segments.publish(params.id, principal.keyId);
      return published.unchanged ? { status: 200, body: published } : { status: 201, body: published };
    },
    version: ({ params }) => segments.version(params.id, params.version),
    archive: ({ params, principal }) => segments.archive(params.id, principal.keyId),
    customerSpells: ({ params }) => segments.customerSpells(params.id),
  };
}
