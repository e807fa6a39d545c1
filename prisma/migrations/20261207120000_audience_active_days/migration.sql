-- RACE counts distinct customers active in a period (reached, acting, converting, engaging). Read
-- from events, messages and buyer days that meant grouping every row of the period by customer:
-- 2.2 s for 90 days at 1M customers and 10M events (npm run bench -- analytics, load 3.8).
-- audience_active_days holds one row per customer, kind of activity and UTC day they had it, with
-- the customer's previous day of that kind. Each customer active in [from, to) has exactly one day
-- there whose previous day is before from or none (their first there), so the count is a range
-- scan of the (kind, day) index with no grouping (src/analytics/audience-race.ts). Kinds:
--   acted          email_opened, email_clicked, page_view or site_visit events
--   email-engaged  email_opened or email_clicked events
--   visited        page_view or site_visit events
--   delivered      email_delivered events
--   messaged       messages sent (status sent), by created_at, once the day is closed (below)
--   bought         days with orders (audience_buyer_days)
--   bought-again   days with orders on which the customer's orders so far reach 2 or more: a
--                  buyer of the period had 2 orders by its end exactly when one of their days in
--                  it is one of these, so repeat buyers are a range count too
-- Only the refresher (src/analytics/audience-rollups.ts, one at a time) writes it. Event writers
-- append the type and instant of each event of those types to audience_active_marks in their own
-- statement (src/analytics/audience-writes.ts): appending never waits on another writer, and the
-- refresher finds the events' customers through the events (type, occurred_at) index, adds the
-- days not there yet and relinks the next day of each. Customers marked in audience_dirty_buyers
-- (purchases, merges, erases) have their purchase and message kinds recomputed, and their event
-- kinds too when a merge or an erase moved their events. Messages enter a day once it is
-- closed (8 days old, as audience_message_days), and readers read the open days from messages.
-- (No semicolon may appear inside a statement or a comment here: Prisma's pg adapter splits the
-- script at every one.)

-- Keyed by customer first: the refresher reads and rewrites a marked customer's rows together, and
-- finds a day's neighbours by (customer_id, kind, day).
CREATE TABLE "audience_active_days" (
    "customer_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "prev_day" DATE,

    CONSTRAINT "audience_active_days_pkey" PRIMARY KEY ("customer_id","kind","day")
);

-- The count: day in [from, to) and prev_day null or before from, from the index alone.
CREATE INDEX "audience_active_days_kind_day_idx" ON "audience_active_days"("kind", "day") INCLUDE ("prev_day");

-- The same count without a row per customer: audience_active_days' rows by kind, day and previous
-- day (-infinity for none), which the refresher changes with every row it writes, moves or
-- removes. RACE sums the cells of the period's days with a previous day before it: 90 days read
-- about 90 x 365 cells of a kind however many customers there are.
CREATE TABLE "audience_active_counts" (
    "kind" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "prev_day" DATE NOT NULL,
    "n" BIGINT NOT NULL,

    CONSTRAINT "audience_active_counts_pkey" PRIMARY KEY ("kind","day","prev_day")
);

-- The refresher recomputes a marked customer's event kinds only when a merge or an erase moved
-- their events: when customers were merged into them, found here (merged customers are few).
CREATE INDEX "customers_merged_into_idx" ON "customers"("merged_into") WHERE "merged_into" IS NOT NULL;

CREATE TABLE "audience_active_marks" (
    "type" TEXT NOT NULL,
    "occurred_at" TIMESTAMP(3) NOT NULL
);

-- What was written before this migration: events, the closed message days, and the buyer days as
-- the refresher last left them (customers still marked are recomputed by its next round).
INSERT INTO "audience_active_days" ("customer_id", "kind", "day", "prev_day")
SELECT customer_id, kind, day, lag(day) OVER (PARTITION BY customer_id, kind ORDER BY day)
  FROM (
    SELECT e.customer_id, k.kind, e.occurred_at::date AS day
      FROM events e
      JOIN (VALUES ('email_opened', 'acted'), ('email_opened', 'email-engaged'),
                   ('email_clicked', 'acted'), ('email_clicked', 'email-engaged'),
                   ('page_view', 'acted'), ('page_view', 'visited'),
                   ('site_visit', 'acted'), ('site_visit', 'visited'),
                   ('email_delivered', 'delivered')) k(type, kind) ON k.type = e.type
    UNION
    SELECT m.customer_id, 'messaged', m.created_at::date
      FROM messages m JOIN audience_watermarks w ON w.name = 'messages'
     WHERE m.status = 'sent' AND m.created_at < w.through + 1
    UNION
    SELECT customer_id, 'bought', day FROM audience_buyer_days
    UNION
    SELECT customer_id, 'bought-again', day
      FROM (SELECT customer_id, day, sum(orders) OVER (PARTITION BY customer_id ORDER BY day) AS orders
              FROM audience_buyer_days) b
     WHERE orders >= 2
  ) a;

INSERT INTO "audience_active_counts" ("kind", "day", "prev_day", "n")
SELECT kind, day, coalesce(prev_day, '-infinity'::date), count(*) FROM audience_active_days GROUP BY 1, 2, 3;

-- Statistics now, not at autovacuum's leisure: the refresher's statements are planned on them.
ANALYZE "audience_active_days";

ANALYZE "audience_active_counts";
