-- The events not yet signalled, oldest first: what the relay takes (src/ingestion/relay.ts) and
-- what the outbox backlog metric counts (src/metrics/api-metrics.ts). A partial index holds only
-- them, so both stay cheap when the table holds millions of delivered events (the index on
-- next_attempt_at alone covered every event, delivered or not). Prisma's schema cannot declare a
-- partial index: schema.prisma names it in a comment on the model.
CREATE INDEX "events_undelivered_received_idx" ON "events" ("received_at") WHERE "delivered_at" IS NULL;
