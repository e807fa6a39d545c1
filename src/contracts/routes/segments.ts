// Segments: drafts, published versions, archive (src/segments/).
import { z } from 'zod';
import { createSegmentSchema, updateSegmentDraftSchema } from '../program-language/segment-schema';
import { versionNumber } from '../program-language/program-schema';
import { anyJson, instant } from '../response-parts';
import { route } from '../route';

const ok = <S extends z.ZodType>(schema: S) => ({ 200: { description: 'OK', schema } }) as const;

const segmentSchema = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    draft: anyJson.meta({ description: 'The draft definition, as last saved' }),
    currentVersion: z.int().nullable().meta({ description: 'The published version evaluated' }),
    archivedAt: instant.nullable().meta({ description: 'Once archived: evaluated no more' }),
    computedVersion: z.int().nullable().meta({ description: 'The version the last full recompute evaluated' }),
    computedAt: instant.nullable(),
    createdAt: instant,
    updatedAt: instant,
    members: z.int().meta({ description: 'Customers in it now (its open spells)' }),
  })
  .meta({ id: 'Segment' });

const segmentVersionSummarySchema = z
  .strictObject({
    version: z.int(),
    eventTypes: z.array(z.string()).meta({ description: 'The event types its aggregates count' }),
    readsCustomer: z.boolean().meta({ description: 'Reads profile.* or traits.*' }),
    scheduled: z.boolean().meta({ description: 'Kept by the scheduled recompute (windows, time-based traits)' }),
    createdAt: instant,
  })
  .meta({ id: 'SegmentVersionSummary' });

const segmentDetailSchema = segmentSchema
  .extend({
    versions: z.array(segmentVersionSummarySchema).meta({ description: 'Oldest first' }),
  })
  .meta({ id: 'SegmentDetail' });

const segmentVersionSchema = segmentVersionSummarySchema
  .extend({ segmentId: z.string(), definition: anyJson })
  .meta({ id: 'SegmentVersion' });

const customerSpellSchema = z
  .strictObject({
    segmentId: z.string(),
    spell: z.int().meta({ description: 'Which time the customer entered the segment, from 1' }),
    version: z.int().meta({ description: 'The version evaluated when they entered' }),
    enteredAt: instant,
    leftAt: instant.nullable().meta({ description: 'Null while the spell lasts' }),
    current: z.boolean().meta({ description: 'In the segment now: the spell is open' }),
  })
  .meta({ id: 'CustomerSegmentSpell' });

const publishedSchema = z
  .strictObject({ segmentId: z.string(), version: z.int(), unchanged: z.boolean() })
  .meta({ id: 'SegmentPublished' });

export const segmentRoutes = {
  list: route({
    method: 'get',
    path: '/v1/segments',
    scope: 'read',
    tag: 'Segments',
    summary: 'Every segment, with how many customers are in it now',
    responses: ok(z.array(segmentSchema)),
  }),
  create: route({
    method: 'post',
    path: '/v1/segments',
    scope: 'admin',
    tag: 'Segments',
    summary: 'Create a segment with a draft',
    body: createSegmentSchema.meta({
      id: 'CreateSegment',
      description: 'The definition is a draft in the segment language, validated in full on publish.',
    }),
    responses: { 201: { description: 'Created', schema: segmentDetailSchema } },
    errors: [409],
  }),
  get: route({
    method: 'get',
    path: '/v1/segments/:id',
    scope: 'read',
    tag: 'Segments',
    summary: 'A segment, its versions and how many customers are in it',
    responses: ok(segmentDetailSchema),
  }),
  updateDraft: route({
    method: 'put',
    path: '/v1/segments/:id/draft',
    scope: 'admin',
    tag: 'Segments',
    summary: "Replace a segment's draft",
    body: updateSegmentDraftSchema.meta({ id: 'UpdateSegmentDraft' }),
    responses: ok(segmentDetailSchema),
  }),
  publish: route({
    method: 'post',
    path: '/v1/segments/:id/versions',
    scope: 'admin',
    tag: 'Segments',
    summary: 'Publish the draft as the next immutable version, the one evaluated from now on',
    description:
      'Invalid definitions answer 422 with every problem and its JSON path. A draft identical to the current ' +
      'version publishes nothing (200, `unchanged: true`).',
    responses: {
      201: { description: 'Published', schema: publishedSchema },
      200: { description: 'Unchanged: the current version already is this draft', schema: publishedSchema },
    },
    errors: [422],
  }),
  version: route({
    method: 'get',
    path: '/v1/segments/:id/versions/:version',
    scope: 'read',
    tag: 'Segments',
    summary: 'One published version',
    params: z.object({ id: z.string(), version: z.coerce.number().pipe(versionNumber) }),
    responses: ok(segmentVersionSchema),
    errors: [400],
  }),
  customerSpells: route({
    method: 'get',
    path: '/v1/customers/:id/segments',
    scope: 'read',
    tag: 'Customers',
    summary: 'The segments a customer is in and was in, spell by spell',
    description:
      'Every spell (one stay in a segment), archived segments included: the current ones first, then the ' +
      'latest entered first. 404 when there is no such customer.',
    responses: ok(z.array(customerSpellSchema)),
  }),
  archive: route({
    method: 'post',
    path: '/v1/segments/:id/archive',
    scope: 'admin',
    tag: 'Segments',
    summary: 'Archive a segment: evaluated no more, and every member leaves it',
    description:
      'Closes every open spell in the same transaction, each with a `segment_left` event (id ' +
      '`segment:<segment>:<customer>:<spell>:left`) that programs waiting on it hear. Archiving again changes nothing.',
    responses: ok(segmentDetailSchema),
  }),
};
