// How a segment's current members ($1) share other segments: for every other segment not archived,
// its current members and how many of them are members of this one too.
import { sqlRows, type Db } from '../db/prisma';

export interface OverlapRow {
  segment_id: string;
  name: string;
  members: number;
  both: number;
}

/**
 * One pass over every open spell, each looked up among this segment's members (hashed): its
 * segment's size, and whether the customer is in both.
 */
const OVERLAPS = `
  WITH counts AS (
    SELECT o.segment_id, count(*)::int AS members, count(m.customer_id)::int AS both
      FROM segment_memberships o
      LEFT JOIN (SELECT customer_id FROM segment_memberships WHERE segment_id = $1 AND left_at IS NULL) m
           USING (customer_id)
     WHERE o.left_at IS NULL
     GROUP BY 1
  )
  SELECT s.id AS segment_id, s.name, coalesce(c.members, 0) AS members, coalesce(c.both, 0) AS both
    FROM segments s LEFT JOIN counts c ON c.segment_id = s.id
   WHERE s.id <> $1 AND s.archived_at IS NULL`;

export const segmentOverlaps = (db: Db, segmentId: string) => sqlRows<OverlapRow>(db, OVERLAPS, [segmentId]);
