-- Audience analytics (issue 19): rollups that answer trends and cohorts without reading 10M events
-- or every order line, and the indexes the other analyses read through (src/analytics/audience-*).
-- (No semicolon may appear inside a statement or a comment here: Prisma's pg adapter splits the
-- script at every one.)

-- Events per UTC day and type. The statements that store events also append what they inserted
-- to audience_event_deltas (and an erase appends minus what it deletes): appending never waits on
-- another writer, and a retried write inserts nothing, so adds nothing. The refresher folds the
-- deltas into audience_event_days, and readers add the deltas not folded yet.
CREATE TABLE "audience_event_days" (
    "day" DATE NOT NULL,
    "type" TEXT NOT NULL,
    "n" BIGINT NOT NULL,

    CONSTRAINT "audience_event_days_pkey" PRIMARY KEY ("day","type")
);

CREATE TABLE "audience_event_deltas" (
    "day" DATE NOT NULL,
    "type" TEXT NOT NULL,
    "n" BIGINT NOT NULL
);

-- Purchases: a customer is marked whenever their order lines change (a purchase event, an import,
-- a merge, an erase), in the writing transaction. The refresher recomputes each marked customer's
-- days from order_lines (orders, revenue) and moves the difference into the orders per day and
-- the cohort cells. A mark outlives a refresh that began before it was committed, so no change is
-- lost, and a recomputation is idempotent, so a mark too many costs only time.
CREATE TABLE "audience_dirty_buyers" (
    "customer_id" TEXT NOT NULL
);

CREATE TABLE "audience_buyer_days" (
    "customer_id" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "orders" INTEGER NOT NULL,
    "revenue" DECIMAL(16,2) NOT NULL,

    CONSTRAINT "audience_buyer_days_pkey" PRIMARY KEY ("customer_id","day")
);

-- Buyers in a period (RACE convert and engage, geography) without order lines.
CREATE INDEX "audience_buyer_days_day_idx" ON "audience_buyer_days"("day") INCLUDE ("customer_id", "orders", "revenue");

CREATE TABLE "audience_order_days" (
    "day" DATE NOT NULL,
    "orders" BIGINT NOT NULL,
    "revenue" DECIMAL(18,2) NOT NULL,

    CONSTRAINT "audience_order_days_pkey" PRIMARY KEY ("day")
);

-- Per first-purchase month (cohort) and month: the cohort's customers who purchased in that month,
-- and what they spent.
CREATE TABLE "audience_cohort_cells" (
    "cohort" DATE NOT NULL,
    "month" DATE NOT NULL,
    "customers" BIGINT NOT NULL,
    "revenue" DECIMAL(18,2) NOT NULL,

    CONSTRAINT "audience_cohort_cells_pkey" PRIMARY KEY ("cohort","month")
);

-- Funnels and RACE: the customers with an event of a type in a time range, from the index alone.
CREATE INDEX "events_type_occurred_at_idx" ON "events"("type", "occurred_at") INCLUDE ("customer_id");

-- Trends and RACE: messages by the time the journey asked for them.
CREATE INDEX "messages_created_at_idx" ON "messages"("created_at") INCLUDE ("status", "customer_id");

-- Funnel splits: who entered which program, version and variant, when.
CREATE INDEX "journey_steps_entries_idx" ON "journey_steps"("at") INCLUDE ("customer_id", "program_id", "version", "variant") WHERE "kind" = 'enter' AND "outcome" = 'entered';

-- What was written before this migration.
INSERT INTO "audience_event_days" ("day", "type", "n")
SELECT occurred_at::date, type, count(*) FROM events GROUP BY 1, 2;

INSERT INTO "audience_buyer_days" ("customer_id", "day", "orders", "revenue")
SELECT customer_id, ordered_at::date, count(DISTINCT order_id), sum(coalesce(price, 0) * quantity)
  FROM order_lines GROUP BY 1, 2;

INSERT INTO "audience_order_days" ("day", "orders", "revenue")
SELECT day, sum(orders), sum(revenue) FROM audience_buyer_days GROUP BY 1;

INSERT INTO "audience_cohort_cells" ("cohort", "month", "customers", "revenue")
SELECT cohort, month, count(*), sum(revenue)
  FROM (SELECT customer_id, date_trunc('month', day)::date AS month, sum(revenue) AS revenue,
               min(date_trunc('month', day)::date) OVER (PARTITION BY customer_id) AS cohort
          FROM audience_buyer_days GROUP BY 1, 2) m
 GROUP BY 1, 2;
