-- Broadcasts (issue 19): a one-off or scheduled email to a segment's members, sent through a
-- generated program so caps, quiet hours, consent, suppressions and exactly-once keys apply as in
-- any journey. The run is a Temporal workflow (workflows/broadcasts/broadcast-workflow.ts) that
-- snapshots the segment into broadcast_recipients and enqueues one event per recipient into the
-- outbox in pages (src/broadcasts/). Timestamps hold UTC wall time.
-- (No semicolon may appear inside a statement or a comment here: Prisma's pg adapter splits the
-- script at every one.)

-- CreateTable
CREATE TABLE "broadcasts" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "segment_id" TEXT NOT NULL,
    "template_id" TEXT NOT NULL,
    "channel" TEXT NOT NULL DEFAULT 'email',
    "program_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "send_at" TIMESTAMP(3),
    "targeted" INTEGER,
    "enqueued" INTEGER NOT NULL DEFAULT 0,
    "resent" INTEGER NOT NULL DEFAULT 0,
    "cursor" TEXT,
    "enqueued_all_at" TIMESTAMP(3),
    "paused_at" TIMESTAMP(3),
    "delivered_all_at" TIMESTAMP(3),
    "unreached" INTEGER,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "broadcasts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "broadcasts_created_at_idx" ON "broadcasts"("created_at");

-- CreateTable
CREATE TABLE "broadcast_recipients" (
    "broadcast_id" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,

    CONSTRAINT "broadcast_recipients_pkey" PRIMARY KEY ("broadcast_id","customer_id")
);

-- AddForeignKey
ALTER TABLE "broadcast_recipients" ADD CONSTRAINT "broadcast_recipients_broadcast_id_fkey" FOREIGN KEY ("broadcast_id") REFERENCES "broadcasts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
