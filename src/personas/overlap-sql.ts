// How a segment's current members ($1) share other segments: for every other segment not archived,
// how many of its current members are members of this one too; and every segment's size, which
// the base's figures carry (src/personas/base-figures.ts).
import { sqlRows, type Db } from '../db/prisma';

export interface OverlapRow {
  segment_id: string;
  name: string;
  both: number;
}

export interface SizeRow {
  segment_id: string;
  members: number;
}

/** The members' other open spells, by the open spells' customer index: cost follows the members. */
const OVERLAPS = `
  SELECT s.id AS segment_id, s.name, coalesce(b.both, 0) AS both
    FROM segments s
    LEFT JOIN (
      SELECT o.segment_id, count(*)::int AS both
        FROM segment_memberships m
        JOIN segment_memberships o
          ON o.customer_id = m.customer_id AND o.left_at IS NULL AND o.segment_id <> m.segment_id
       WHERE m.segment_id = $1 AND m.left_at IS NULL
       GROUP BY 1
    ) b ON b.segment_id = s.id
   WHERE s.id <> $1 AND s.archived_at IS NULL`;

const SIZES = `SELECT segment_id, count(*)::int AS members FROM segment_memberships WHERE left_at IS NULL GROUP BY 1`;

export const segmentOverlaps = (db: Db, segmentId: string) => sqlRows<OverlapRow>(db, OVERLAPS, [segmentId]);

export const segmentSizes = (db: Db) => sqlRows<SizeRow>(db, SIZES, []);
