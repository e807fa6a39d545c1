-- Imports as durable jobs (issue 19): a Temporal workflow runs the file in chunks, and the row is
-- the job's checkpoint. Each batch is written in one transaction with the UPDATE that stores the
-- byte offset and line the next chunk starts after and the counters and errors up to there, so a
-- chunk retried after a crash redoes only the rows after its last checkpoint and counts each once.
-- (No semicolon may appear inside a statement or a comment here: Prisma's pg adapter splits the
-- script at every one.) `owner` fences a chunk: each claims the row with a token of its own and
-- writes a batch only while the row still names it and is running, so a retried chunk and a stale
-- attempt never both count, and a cancel stops the writing at once.

-- AlterTable
ALTER TABLE "imports"
    ADD COLUMN "source" TEXT NOT NULL DEFAULT 'upload',
    ADD COLUMN "url" TEXT,
    ADD COLUMN "path" TEXT NOT NULL DEFAULT '',
    ADD COLUMN "gzip" BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN "bytes_total" BIGINT,
    ADD COLUMN "bytes_read" BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN "line" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "header" TEXT,
    ADD COLUMN "owner" TEXT,
    ADD COLUMN "running_at" TIMESTAMP(3),
    ADD COLUMN "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateIndex
CREATE INDEX "imports_started_at_id_idx" ON "imports"("started_at" DESC, "id" DESC);
