// Broadcasts: a one-off or scheduled email to a segment. Create, list, read with progress, and
// pause, resume or cancel a run.
import { z } from 'zod';
import { BROADCAST_STATUSES, createBroadcastSchema } from '../requests/broadcast-schema';
import { route } from '../route';
import { instant, oneOf } from '../response-parts';

const broadcast = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    segmentId: z.string(),
    templateId: z.string(),
    channel: z.string(),
    programId: z.string().meta({ description: 'The generated program that sends it' }),
    status: oneOf(BROADCAST_STATUSES),
    sendAt: instant.nullable(),
    createdBy: z.string(),
    createdAt: instant,
    startedAt: instant.nullable(),
    finishedAt: instant.nullable(),
  })
  .meta({ id: 'Broadcast' });

const count = z.int().min(0);
const progress = z
  .strictObject({
    targeted: count.nullable().meta({ description: "The segment's members when the run started; null before" }),
    enqueued: count.meta({ description: 'Recipients whose event is in the outbox' }),
    resent: count.meta({ description: 'Events put in again for recipients whose first reached the paused program' }),
    delivered: count.meta({ description: "Recipients whose event reached their customer's workflow" }),
    entered: count,
    finished: count.meta({ description: 'Recipients who have left the program (sent, skipped or stopped)' }),
    unreached: count.nullable().meta({ description: 'At completion: recipients who never entered' }),
    messages: z.record(z.string(), count).meta({ description: 'Messages by status' }),
    reasons: z
      .array(z.strictObject({ status: z.string(), reason: z.string(), count }))
      .meta({ description: 'Why messages were skipped or failed (caps, quiet hours, consent, suppressions)' }),
  })
  .meta({ id: 'BroadcastProgress' });

const detail = broadcast.extend({ progress }).meta({ id: 'BroadcastDetail' });
const ok = { 200: { description: 'OK', schema: detail } } as const;

const control = <A extends string>(action: A, summary: string) =>
  route({
    method: 'post',
    path: `/v1/broadcasts/:id/${action}`,
    scope: 'admin',
    tag: 'Broadcasts',
    summary,
    responses: ok,
    errors: [409],
  });

export const broadcastRoutes = {
  create: route({
    method: 'post',
    path: '/v1/broadcasts',
    scope: 'admin',
    tag: 'Broadcasts',
    summary: "Send a template to a segment's members, now or at sendAt, under the caps, quiet hours and consent",
    body: createBroadcastSchema.meta({ id: 'CreateBroadcast' }),
    responses: { 201: { description: 'Created', schema: detail } },
    errors: [422],
  }),
  list: route({
    method: 'get',
    path: '/v1/broadcasts',
    scope: 'read',
    tag: 'Broadcasts',
    summary: 'Every broadcast, newest first',
    responses: { 200: { description: 'OK', schema: z.array(broadcast) } },
  }),
  get: route({
    method: 'get',
    path: '/v1/broadcasts/:id',
    scope: 'read',
    tag: 'Broadcasts',
    summary: 'One broadcast with its progress',
    responses: ok,
  }),
  pause: control('pause', 'Stop enqueuing and hold sends not yet made, until resumed'),
  resume: control('resume', 'Carry on a paused broadcast'),
  cancel: control('cancel', 'End the broadcast: nothing more is enqueued or sent'),
};
