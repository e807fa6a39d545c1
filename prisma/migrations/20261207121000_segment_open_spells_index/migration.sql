-- The segments list (issue 19) counts every segment's open spells in one grouped statement, as
-- each segment's detail counts its own. segment_memberships_open_key (segment_id, customer_id)
-- WHERE left_at IS NULL could serve it, but on 1.9M spells (1.1M open, 20 segments) the planner
-- preferred a parallel scan of the whole table (286 ms, 14.5k pages, and the table keeps every
-- closed spell), while this index, deduplicated to 7 MB against that one's 52 MB, is read alone
-- (157 ms, 915 pages). Closing a spell adds no entry to it, and opening one adds one small entry.
-- (No semicolon may appear inside a statement or a comment here: Prisma's pg adapter splits the
-- script at every one.)

-- CreateIndex
CREATE INDEX "segment_memberships_open_segment_idx" ON "segment_memberships"("segment_id") WHERE "left_at" IS NULL;
