-- Messages per UTC day and status for the audience trends (issue 19): counting them from the
-- messages index took 3.8 s for 182 days and the 182 before at 1M messages (npm run bench --
-- analytics, load 21). A message's status settles within minutes of its creation (queued, sending,
-- then sent, skipped or failed, a webhook confirming a send), so the refresher
-- (src/analytics/audience-rollups.ts) counts each day once it is 8 days old and moves the
-- watermark, and readers count the days after the watermark from messages themselves.
-- (No semicolon may appear inside a statement or a comment here: Prisma's pg adapter splits the
-- script at every one.)

CREATE TABLE "audience_message_days" (
    "day" DATE NOT NULL,
    "status" TEXT NOT NULL,
    "n" BIGINT NOT NULL,

    CONSTRAINT "audience_message_days_pkey" PRIMARY KEY ("day","status")
);

-- Up to which day (included) a rollup is complete, by rollup.
CREATE TABLE "audience_watermarks" (
    "name" TEXT NOT NULL,
    "through" DATE NOT NULL,

    CONSTRAINT "audience_watermarks_pkey" PRIMARY KEY ("name")
);
