-- Precomputed recommendation candidates, derived from order_lines and products and rebuilt only by
-- refreshCoPurchases (src/recommendations/co-purchases.ts).

-- CreateTable
CREATE TABLE "product_co_purchases" (
    "product_id" TEXT NOT NULL,
    "other_id" TEXT NOT NULL,
    "customers" INTEGER NOT NULL,
    "other_buyers" INTEGER NOT NULL,

    CONSTRAINT "product_co_purchases_pkey" PRIMARY KEY ("product_id","other_id")
);

-- CreateTable
CREATE TABLE "product_shortlists" (
    "list" TEXT NOT NULL,
    "rank" INTEGER NOT NULL,
    "product_id" TEXT NOT NULL,
    "buyers" INTEGER NOT NULL,
    "overstock" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "product_shortlists_pkey" PRIMARY KEY ("list","rank")
);
