// The admin API for message templates: save (each save a new version), read, version history,
// preview as a real customer, and test sends.
import { Router } from 'express';
import { z } from 'zod';
import { principalOf, requireScope } from './auth';
import { jsonObject, storable } from '../contracts/schema-parts';
import { parse } from './validate';
import { templateSchema } from '../programs/program-schema';
import type { TemplatePreview } from '../templates/template-preview';
import type { TemplateService } from '../templates/template-service';

const templateId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'must be 1-64 letters, digits, "-" or "_"');

// Not stored, but queried with: the customer's id, and the product ids in the event's properties.
const previewEvent = z.strictObject({
  type: z.string().min(1).max(100),
  properties: jsonObject.default({}),
});

const customerId = z.string().min(1).max(200).check(storable);

export const previewSchema = z.strictObject({
  customerId,
  event: previewEvent.optional(),
});

export const testSendSchema = z.strictObject({
  to: z.email(),
  customerId: customerId.optional(),
  event: previewEvent.optional(),
});

export function templatesRouter(deps: { templates: TemplateService; templatePreview: TemplatePreview }): Router {
  const { templates, templatePreview } = deps;
  const router = Router();

  router.put('/v1/templates/:id', requireScope('admin'), async (req, res) => {
    const id = parse(templateId, req.params.id, '$.params.id');
    res.json(await templates.save(id, parse(templateSchema, req.body), principalOf(req).keyId));
  });
  router.get('/v1/templates/:id', requireScope('admin'), async (req, res) => {
    res.json(await templates.get(req.params.id));
  });
  router.get('/v1/templates/:id/versions', requireScope('admin'), async (req, res) => {
    res.json(await templates.versions(req.params.id));
  });
  router.post('/v1/templates/:id/preview', requireScope('admin'), async (req, res) => {
    res.json(await templatePreview.preview(req.params.id, parse(previewSchema, req.body)));
  });
  router.post('/v1/templates/:id/test-send', requireScope('admin'), async (req, res) => {
    res.json(await templatePreview.testSend(req.params.id, parse(testSendSchema, req.body)));
  });

  return router;
}
