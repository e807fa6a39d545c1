// Message templates: save (each save a new version), read, version history, preview, test sends.
import { z } from 'zod';
import { templateSchema } from '../program-language/program-schema';
import { jsonObject, storable } from '../schema-parts';
import { route } from '../route';
import { instant } from '../response-parts';

const templateId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1-64 letters, digits, "-" or "_"');

// Not stored, but queried with: the customer's id, and the product ids in the event's properties.
const previewEvent = z.strictObject({
  type: z.string().min(1).max(100),
  properties: jsonObject.default({}),
});

const customerId = z.string().min(1).max(200).check(storable);

const template = z
  .strictObject({
    id: z.string(),
    channel: z.string(),
    subject: z.string(),
    body: z.string(),
    createdAt: instant,
    updatedAt: instant,
    version: z.int().nullable().meta({ description: 'The saved version the content is; null if never saved' }),
  })
  .meta({ id: 'Template' });

const templateVersion = z
  .strictObject({ templateId: z.string(), version: z.int(), subject: z.string(), body: z.string(), createdAt: instant })
  .meta({ id: 'TemplateVersion' });

const rendered = z
  .strictObject({ subject: z.string(), html: z.string(), version: z.int().nullable() })
  .meta({ id: 'RenderedTemplate' });

const testSent = z
  .strictObject({
    to: z.string(),
    subject: z.string(),
    version: z.int().nullable(),
    providerMessageId: z.string().nullable(),
  })
  .meta({ id: 'TestSend' });

export const templateRoutes = {
  list: route({
    method: 'get',
    path: '/v1/templates',
    scope: 'read',
    tag: 'Templates',
    summary: 'Every message template, with its current version',
    responses: { 200: { description: 'OK', schema: z.array(template) } },
  }),
  save: route({
    method: 'put',
    path: '/v1/templates/:id',
    scope: 'admin',
    tag: 'Templates',
    summary: 'Save a message template as its next version (422 when its Liquid does not parse)',
    params: z.object({ id: templateId }),
    body: templateSchema.meta({ id: 'TemplateInput' }),
    responses: { 200: { description: 'OK', schema: template } },
    errors: [422],
  }),
  get: route({
    method: 'get',
    path: '/v1/templates/:id',
    scope: 'read',
    tag: 'Templates',
    summary: 'A message template',
    responses: { 200: { description: 'OK', schema: template } },
  }),
  versions: route({
    method: 'get',
    path: '/v1/templates/:id/versions',
    scope: 'read',
    tag: 'Templates',
    summary: "A template's saved versions, newest first",
    responses: { 200: { description: 'OK', schema: z.array(templateVersion) } },
  }),
  preview: route({
    method: 'post',
    path: '/v1/templates/:id/preview',
    scope: 'read',
    tag: 'Templates',
    summary: 'Render the template for a real customer',
    description:
      'With their profile, traits and product recommendations; `event` stands in for the entry event. ' +
      '`unsubscribeUrl` renders as a placeholder link.',
    body: z
      .strictObject({
        customerId,
        event: previewEvent.optional(),
        draft: templateSchema
          .pick({ subject: true, body: true })
          .optional()
          .meta({ description: 'Unsaved content to render instead of the current version' }),
      })
      .meta({ id: 'TemplatePreviewInput' }),
    responses: { 200: { description: 'OK', schema: rendered } },
    errors: [422],
  }),
  testSend: route({
    method: 'post',
    path: '/v1/templates/:id/test-send',
    scope: 'admin',
    tag: 'Templates',
    summary: 'Email the rendered template to an address, subject marked [Test]',
    body: z
      .strictObject({ to: z.email(), customerId: customerId.optional(), event: previewEvent.optional() })
      .meta({ id: 'TemplateTestSendInput' }),
    responses: { 200: { description: 'OK', schema: testSent } },
    errors: [422, 502],
  }),
};
