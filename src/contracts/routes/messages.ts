// The messages journeys sent, skipped or failed: newest first, filtered by program and status.
import { z } from 'zod';
import { route } from '../route';
import { instant, oneOf } from '../response-parts';

const STATUSES = ['queued', 'sending', 'sent', 'skipped', 'failed'] as const;

const message = z
  .strictObject({
    key: z.string().meta({ description: '<enrollment>/<step>/<visit>: one message per key, ever' }),
    customerId: z.string(),
    programId: z.string(),
    version: z.int().nullable(),
    variant: z.string().nullable(),
    stepId: z.string(),
    channel: z.string(),
    templateId: z.string(),
    status: oneOf(STATUSES),
    reason: z.string().nullable().meta({ description: 'Why it was skipped or failed' }),
    createdAt: instant,
    sentAt: instant.nullable(),
  })
  .meta({ id: 'Message' });

export const messageRoutes = {
  list: route({
    method: 'get',
    path: '/v1/messages',
    scope: 'read',
    tag: 'Messages',
    summary: 'Recent messages, newest first, with their status and skip reasons',
    query: z.strictObject({
      programId: z.string().min(1).max(200).optional(),
      status: z.enum(STATUSES).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    responses: { 200: { description: 'OK', schema: z.array(message) } },
    errors: [400],
  }),
};
