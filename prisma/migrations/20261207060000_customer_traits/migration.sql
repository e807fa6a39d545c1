-- Computed traits (issue 19), one row per customer, kept current as purchases, profile changes and
-- email engagement are written, so conditions, segments and analytics read a row instead of
-- aggregating order lines. Windowed values (value_12m, opens_30d, clicks_30d) and RFM scores also
-- change with time alone: a schedule refreshes them. A customer with no row has no purchases.
-- (No semicolon may appear inside a statement or a comment here: Prisma's pg adapter splits the
-- script at every one.)

-- CreateTable
CREATE TABLE "customer_traits" (
    "customer_id" TEXT NOT NULL,
    "order_count" INTEGER NOT NULL DEFAULT 0,
    "total_spent" DECIMAL(14,2) NOT NULL DEFAULT 0,
    "first_purchase_at" TIMESTAMP(3),
    "last_purchase_at" TIMESTAMP(3),
    "favourite_category" TEXT,
    "value_12m" DECIMAL(14,2) NOT NULL DEFAULT 0,
    "opens_30d" INTEGER NOT NULL DEFAULT 0,
    "clicks_30d" INTEGER NOT NULL DEFAULT 0,
    "rfm_recency" SMALLINT,
    "rfm_frequency" SMALLINT,
    "rfm_monetary" SMALLINT,
    "country" TEXT,
    "region" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customer_traits_pkey" PRIMARY KEY ("customer_id")
);

-- CreateIndex
CREATE INDEX "customer_traits_country_region_idx" ON "customer_traits"("country", "region");

-- CreateIndex
CREATE INDEX "customer_traits_first_purchase_at_idx" ON "customer_traits"("first_purchase_at");

-- CreateIndex
CREATE INDEX "customer_traits_last_purchase_at_idx" ON "customer_traits"("last_purchase_at");

-- AddForeignKey
ALTER TABLE "customer_traits" ADD CONSTRAINT "customer_traits_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
