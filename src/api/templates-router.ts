// The admin API for message templates: save (each save a new version), read, version history,
// preview as a real customer, and test sends.
import type { templateRoutes } from '../contracts/routes/templates';
import type { TemplatePreview } from '../templates/template-preview';
import type { TemplateService } from '../templates/template-service';
import type { Handlers } from './mount-routes';

export function templateHandlers(deps: {
  templates: TemplateService;
  templatePreview: TemplatePreview;
}): Handlers<typeof templateRoutes> {
  const { templates, templatePreview } = deps;
  return {
    list: () => templates.list(),
    save: ({ params, body, principal }) => templates.save(params.id, body, principal.keyId),
    get: ({ params }) => templates.get(params.id),
    versions: ({ params }) => templates.versions(params.id),
    preview: ({ params, body }) => templatePreview.preview(params.id, body),
    testSend: ({ params, body }) => templatePreview.testSend(params.id, body),
  };
}
