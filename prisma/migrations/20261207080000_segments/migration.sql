-- Segments (issue 19): named definitions with immutable published versions, as programs have,
-- and their memberships as spells. A customer's time in a segment is one row per spell, numbered
-- from 1: entering opens spell n+1, leaving sets its left_at. At most one spell is open per
-- customer and segment (the partial unique index), and the spell number makes each transition's
-- outbox event id deterministic, so a retried or concurrent evaluation writes nothing twice.
-- (No semicolon may appear inside a statement or a comment here: Prisma's pg adapter splits the
-- script at every one.)

-- CreateTable
CREATE TABLE "segments" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "draft" JSONB NOT NULL,
    "current_version" INTEGER,
    "archived_at" TIMESTAMP(3),
    "computed_version" INTEGER,
    "computed_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "segments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "segment_versions" (
    "segment_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "definition" JSONB NOT NULL,
    "event_types" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "reads_customer" BOOLEAN NOT NULL DEFAULT false,
    "scheduled" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "segment_versions_pkey" PRIMARY KEY ("segment_id", "version")
);

-- CreateTable
CREATE TABLE "segment_memberships" (
    "segment_id" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "spell" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "entered_at" TIMESTAMP(3) NOT NULL,
    "left_at" TIMESTAMP(3),

    CONSTRAINT "segment_memberships_pkey" PRIMARY KEY ("segment_id", "customer_id", "spell")
);

-- CreateIndex
CREATE UNIQUE INDEX "segment_memberships_open_key" ON "segment_memberships"("segment_id", "customer_id") WHERE "left_at" IS NULL;

-- CreateIndex
CREATE INDEX "segment_memberships_customer_open_idx" ON "segment_memberships"("customer_id") WHERE "left_at" IS NULL;

-- AddForeignKey
ALTER TABLE "segment_versions" ADD CONSTRAINT "segment_versions_segment_id_fkey" FOREIGN KEY ("segment_id") REFERENCES "segments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "segment_memberships" ADD CONSTRAINT "segment_memberships_segment_id_fkey" FOREIGN KEY ("segment_id") REFERENCES "segments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "segment_memberships" ADD CONSTRAINT "segment_memberships_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
