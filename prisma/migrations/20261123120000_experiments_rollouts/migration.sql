-- AlterTable
ALTER TABLE "program_versions" ADD COLUMN     "migrates_from" JSONB,
ADD COLUMN     "retired_at" TIMESTAMP(3),
ADD COLUMN     "retired_reason" TEXT;

-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "failed_attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "last_error" TEXT,
ADD COLUMN     "variant" TEXT,
ADD COLUMN     "version" INTEGER;

-- CreateTable
CREATE TABLE "experiments" (
    "id" TEXT NOT NULL,
    "program_id" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "variants" JSONB NOT NULL,
    "holdout" DOUBLE PRECISION NOT NULL,
    "control_version" INTEGER NOT NULL,
    "winner_rule" JSONB NOT NULL,
    "winner" TEXT,
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMP(3),

    CONSTRAINT "experiments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "assignments" (
    "experiment_id" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "variant" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "assigned_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "assignments_pkey" PRIMARY KEY ("experiment_id","customer_id")
);

-- CreateTable
CREATE TABLE "rollouts" (
    "id" TEXT NOT NULL,
    "program_id" TEXT NOT NULL,
    "from_version" INTEGER NOT NULL,
    "to_version" INTEGER NOT NULL,
    "plan" JSONB NOT NULL,
    "guardrails" JSONB NOT NULL,
    "evaluation_interval_ms" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "percent" INTEGER NOT NULL DEFAULT 0,
    "reason" TEXT,
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMP(3),

    CONSTRAINT "rollouts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rollout_evaluations" (
    "id" BIGSERIAL NOT NULL,
    "rollout_id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "percent" INTEGER NOT NULL,
    "metrics" JSONB NOT NULL,
    "breach" TEXT,

    CONSTRAINT "rollout_evaluations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "experiments_program_id_status_idx" ON "experiments"("program_id", "status");

-- CreateIndex
CREATE INDEX "rollouts_program_id_status_idx" ON "rollouts"("program_id", "status");

-- CreateIndex
CREATE INDEX "rollout_evaluations_rollout_id_at_idx" ON "rollout_evaluations"("rollout_id", "at");

-- CreateIndex
CREATE INDEX "messages_program_id_version_created_at_idx" ON "messages"("program_id", "version", "created_at");

-- AddForeignKey
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_program_id_fkey" FOREIGN KEY ("program_id") REFERENCES "programs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "experiments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rollouts" ADD CONSTRAINT "rollouts_program_id_fkey" FOREIGN KEY ("program_id") REFERENCES "programs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rollout_evaluations" ADD CONSTRAINT "rollout_evaluations_rollout_id_fkey" FOREIGN KEY ("rollout_id") REFERENCES "rollouts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

