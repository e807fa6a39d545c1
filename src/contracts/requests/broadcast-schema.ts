// The admin API's broadcast request: what to send (a template, by email), to whom (a segment's
// members when the run starts) and when (now, or `sendAt`).
import { z } from 'zod';
import { storable } from '../schema-parts';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1-64 letters, digits, "-" or "_"');

export const createBroadcastSchema = z.strictObject({
  name: z.string().min(1).max(200).check(storable),
  segmentId: id,
  templateId: id,
  channel: z.literal('email').default('email'),
  /** Unset: at once. Whether it is still ahead is the use-case's to judge (a 422 naming it). */
  sendAt: z.iso.datetime({ offset: true }).optional(),
});

export type CreateBroadcast = z.infer<typeof createBroadcastSchema>;

export const BROADCAST_STATUSES = ['scheduled', 'running', 'paused', 'completed', 'cancelled'] as const;
