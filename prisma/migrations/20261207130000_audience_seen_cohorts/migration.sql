-- First-seen cohorts (issue 19, src/analytics/audience-seen.ts). A customer is first seen in the
-- month of their profile (customers.created_at) or of their first purchase, whichever is earlier:
-- an imported purchase history can go back before the import made the profile.
-- (No semicolon may appear inside a statement or a comment here: Prisma's pg adapter splits the
-- script at every one.)

-- A cohort's size is counted from the profiles when read, through this index, plus the shifts
-- below. Merged customers are counted as the customer they were merged into.
CREATE INDEX "customers_created_at_idx" ON "customers"("created_at") WHERE "merged_into" IS NULL;

-- Each buyer's profile month and first-seen month, as the refresher last computed them with their
-- buyer days: what it takes back out when it recomputes them.
CREATE TABLE "audience_buyer_seen" (
    "customer_id" TEXT NOT NULL,
    "created" DATE NOT NULL,
    "seen" DATE NOT NULL,

    CONSTRAINT "audience_buyer_seen_pkey" PRIMARY KEY ("customer_id")
);

-- Per first-seen month and month: the cohort's customers who purchased then, and their revenue.
CREATE TABLE "audience_seen_cohort_cells" (
    "cohort" DATE NOT NULL,
    "month" DATE NOT NULL,
    "customers" BIGINT NOT NULL,
    "revenue" DECIMAL(18,2) NOT NULL,

    CONSTRAINT "audience_seen_cohort_cells_pkey" PRIMARY KEY ("cohort","month")
);

-- Buyers first seen by a purchase before their profile month: +1 in the purchase's month, -1 in
-- the profile's. Added to the profiles counted per month, they give each first-seen cohort's size.
CREATE TABLE "audience_seen_shifts" (
    "month" DATE NOT NULL,
    "customers" BIGINT NOT NULL,

    CONSTRAINT "audience_seen_shifts_pkey" PRIMARY KEY ("month")
);

-- Backfilled from the buyer days, so the refresher's next recomputation of a customer takes out
-- exactly what is here. A buyer whose profile is gone (an erase not yet refreshed) counts as seen
-- at their first purchase.
INSERT INTO "audience_buyer_seen" ("customer_id", "created", "seen")
SELECT b.customer_id,
       coalesce(date_trunc('month', c.created_at), date_trunc('month', min(b.day)))::date,
       least(date_trunc('month', c.created_at), date_trunc('month', min(b.day)))::date
  FROM "audience_buyer_days" b LEFT JOIN "customers" c ON c.id = b.customer_id
 GROUP BY b.customer_id, c.created_at;

INSERT INTO "audience_seen_cohort_cells" ("cohort", "month", "customers", "revenue")
SELECT s.seen, m.month, count(*), sum(m.revenue)
  FROM (SELECT customer_id, date_trunc('month', day)::date AS month, sum(revenue) AS revenue
          FROM "audience_buyer_days" GROUP BY 1, 2) m
  JOIN "audience_buyer_seen" s USING (customer_id)
 GROUP BY 1, 2;

INSERT INTO "audience_seen_shifts" ("month", "customers")
SELECT month, sum(n) FROM (
  SELECT seen AS month, 1 AS n FROM "audience_buyer_seen" WHERE seen < created
  UNION ALL
  SELECT created, -1 FROM "audience_buyer_seen" WHERE seen < created) x
 GROUP BY 1;
