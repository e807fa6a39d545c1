-- Fills customer_traits for the customers stored before it existed: one row per customer not
-- merged into another, computed as src/traits/refresh-traits.ts computes one (the same sources,
-- windows and favourite category), but over the whole tables at once with hash aggregates. A row
-- already there was written by a refresh and is current, so it is kept. RFM scores stay null
-- until the first run of the kairos:refresh-traits schedule, which each API process creates, and
-- which runs at once when created.
-- (No semicolon may appear inside a statement or a comment here: Prisma's pg adapter splits the
-- script at every one.)

INSERT INTO "customer_traits" (
    "customer_id", "order_count", "total_spent", "first_purchase_at", "last_purchase_at",
    "favourite_category", "value_12m", "opens_30d", "clicks_30d", "country", "region", "updated_at")
WITH clock AS (SELECT now() AT TIME ZONE 'UTC' AS at),
orders AS (
    SELECT line.customer_id,
           count(DISTINCT line.order_id)::int AS order_count,
           sum(line.price * line.quantity) AS total_spent,
           min(line.ordered_at) AS first_at, max(line.ordered_at) AS last_at,
           sum(line.price * line.quantity) FILTER (WHERE line.ordered_at > clock.at - interval '12 months') AS value_12m
      FROM order_lines line CROSS JOIN clock
     GROUP BY line.customer_id
),
categories AS (
    SELECT line.customer_id, product.category, sum(line.quantity) AS units, max(line.ordered_at) AS last_at
      FROM order_lines line JOIN products product ON product.id = line.product_id
     WHERE product.category IS NOT NULL
     GROUP BY line.customer_id, product.category
),
favourite AS (
    SELECT DISTINCT ON (customer_id) customer_id, category
      FROM categories
     ORDER BY customer_id, units DESC, last_at DESC, category COLLATE "C"
),
engaged AS (
    SELECT event.customer_id,
           count(*) FILTER (WHERE event.type = 'email_opened')::int AS opens,
           count(*) FILTER (WHERE event.type = 'email_clicked')::int AS clicks
      FROM events event CROSS JOIN clock
     WHERE event.type IN ('email_opened', 'email_clicked') AND event.occurred_at > clock.at - interval '30 days'
     GROUP BY event.customer_id
)
SELECT customer.id, coalesce(orders.order_count, 0), coalesce(orders.total_spent, 0),
       orders.first_at, orders.last_at, favourite.category,
       coalesce(orders.value_12m, 0), coalesce(engaged.opens, 0), coalesce(engaged.clicks, 0),
       CASE WHEN jsonb_typeof(customer.traits -> 'country') = 'string' THEN customer.traits ->> 'country' END,
       CASE WHEN jsonb_typeof(customer.traits -> 'region') = 'string' THEN customer.traits ->> 'region' END,
       clock.at
  FROM customers customer
  CROSS JOIN clock
  LEFT JOIN orders ON orders.customer_id = customer.id
  LEFT JOIN favourite ON favourite.customer_id = customer.id
  LEFT JOIN engaged ON engaged.customer_id = customer.id
 WHERE customer.merged_into IS NULL
ON CONFLICT ("customer_id") DO NOTHING;
