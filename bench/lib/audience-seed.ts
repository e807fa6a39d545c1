// The analytics measure's audience, written by set-based SQL into the bench's fresh database:
// 1M customers with computed traits (country, region), 10M events over the last 365 days, order
// lines for every purchase event, 1M messages, 300k program entries and daily conversions. The
// rollups are then built as in production: the events' deltas and activity marks as their writers
// append them, and every buyer marked and recomputed by the refresher (timed: it is the cost of a
// full rebuild; the migration's backfill of existing data is one statement instead).
import { performance } from 'node:perf_hooks';
import { Client as Pg } from 'pg';
import { isActivityType } from '../../src/analytics/audience-activity';
import { refreshAudienceRollups } from '../../src/analytics/audience-rollups';
import { log, round } from './stats';
import type { BenchWorld } from './world';

export const AUDIENCE = { customers: 1_000_000, events: 10_000_000, messages: 1_000_000, entries: 300_000 };
const CHUNK = 2_000_000;

/** Event types by share: visits dominate, as on a shop's site. */
const TYPE_OF = `CASE WHEN u < 0.55 THEN 'page_view' WHEN u < 0.75 THEN 'product_view' WHEN u < 0.83 THEN 'cart_add'
  WHEN u < 0.88 THEN 'purchase' WHEN u < 0.94 THEN 'email_delivered' WHEN u < 0.98 THEN 'email_opened'
  ELSE 'email_clicked' END`;
/** A customer number, skewed: a few customers are far more active than most. */
const CUSTOMER = `1 + floor(${AUDIENCE.customers} * power(random(), 1.6))::int`;
const WITHIN_YEAR = `(now() AT TIME ZONE 'UTC') - random() * interval '365 days'`;

const COUNTRIES = `(ARRAY['FR','DE','GB','ES','IT','NL','BE','PL','SE','US',
                          'CA','BR','JP','AU','IN','MX','PT','IE','AT','CH'])`;

const SEED = {
  customers: `
    INSERT INTO customers (id, created_at, updated_at)
    SELECT 'ac-' || g, now() - random() * interval '700 days', now() FROM generate_series(1, ${AUDIENCE.customers}) g`,
  traits: `
    INSERT INTO customer_traits (customer_id, country, region)
    SELECT 'ac-' || g, ${COUNTRIES}[1 + floor(20 * power(random(), 2))::int], 'region-' || floor(5 * random())::int
      FROM generate_series(1, ${AUDIENCE.customers}) g WHERE random() < 0.9`,
  products: `
    INSERT INTO products (id, name, price)
    SELECT 'ap-' || g, 'product ' || g, 5 + g % 95 FROM generate_series(1, 1000) g`,
  events: (from: number) => `
    INSERT INTO events (id, customer_id, type, occurred_at, delivered_at, unreferenced)
    SELECT 'ae-' || g, 'ac-' || ${CUSTOMER}, ${TYPE_OF}, ${WITHIN_YEAR}, now(), true
      FROM (SELECT g, random() AS u FROM generate_series(${from + 1}, ${from + CHUNK}) g) x`,
  orderLines: `
    INSERT INTO order_lines (order_id, product_id, customer_id, quantity, price, ordered_at)
    SELECT 'ao-' || e.id, 'ap-' || (1 + (hashtext(e.id || k) & 1023) % 1000), e.customer_id, 1 + k % 2,
           5 + (hashtext(e.id) & 1023) % 95, e.occurred_at
      FROM events e, generate_series(1, 1 + (hashtext(e.id) & 3) % 3) k
     WHERE e.type = 'purchase'
    ON CONFLICT DO NOTHING`,
  messages: `
    INSERT INTO messages (key, customer_id, enrollment_id, program_id, version, step_id, channel, template_id, status,
                          scheduled_at, created_at)
    SELECT 'am-' || g, 'ac-' || ${CUSTOMER}, 'enr', 'ap-' || g % 5, 1, 's1', 'email', 't',
           CASE WHEN random() < 0.85 THEN 'sent' WHEN random() < 0.7 THEN 'skipped' ELSE 'failed' END, at, at
      FROM (SELECT g, ${WITHIN_YEAR} AS at FROM generate_series(1, ${AUDIENCE.messages}) g) x`,
  entries: `
    INSERT INTO journey_steps (id, customer_id, enrollment_id, program_id, version, variant, step_id, kind, outcome, at)
    SELECT 'aj-' || g, 'ac-' || ${CUSTOMER}, 'enr-' || g, 'program-' || g % 5, 1 + g % 2,
           CASE WHEN g % 3 = 0 THEN 'B' END, 's1', 'enter', 'entered', ${WITHIN_YEAR}
      FROM generate_series(1, ${AUDIENCE.entries}) g`,
  conversions: `
    INSERT INTO program_daily_counts (program_id, day, measure, n)
    SELECT 'program-' || p, d::date, 'converted', (random() * 200)::int
      FROM generate_series(0, 4) p, generate_series(now() - interval '730 days', now(), interval '1 day') d`,
  // What the writers append (src/analytics/audience-writes.ts), all at once.
  deltas: `
    INSERT INTO audience_event_deltas (day, type, n)
    SELECT occurred_at::date, type, count(*) FROM events GROUP BY 1, 2`,
  activity: `
    INSERT INTO audience_active_marks (type, occurred_at)
    SELECT type, occurred_at FROM events WHERE ${isActivityType('type')}`,
  marks: `INSERT INTO audience_dirty_buyers (customer_id) SELECT DISTINCT customer_id FROM order_lines`,
};

export interface AudienceSeed {
  orderLines: number;
  seedSeconds: number;
  /** refreshAudienceRollups over every activity event and buyer: a full rebuild through the refresher. */
  rebuild: { activityMarks: number; buyers: number; seconds: number; activeDays: number };
}

export async function seedAudience(world: BenchWorld): Promise<AudienceSeed> {
  const started = performance.now();
  const pg = new Pg({ connectionString: world.databaseUrl });
  await pg.connect();
  try {
    const run = async (what: string, sql: string) => {
      const t = performance.now();
      const { rowCount } = await pg.query(sql);
      log(`analytics seed: ${what} ${rowCount ?? 0} rows in ${round((performance.now() - t) / 1000, 1)} s`);
      return rowCount ?? 0;
    };
    await run('customers', SEED.customers);
    await run('traits', SEED.traits);
    await run('products', SEED.products);
    for (let from = 0; from < AUDIENCE.events; from += CHUNK) await run(`events from ${from}`, SEED.events(from));
    const orderLines = await run('order lines', SEED.orderLines);
    await run('messages', SEED.messages);
    await run('entries', SEED.entries);
    await run('conversions', SEED.conversions);
    await run('event deltas', SEED.deltas);
    const activityMarks = await run('activity marks', SEED.activity);
    const buyers = await run('buyer marks', SEED.marks);
    const seedSeconds = round((performance.now() - started) / 1000, 1);

    const t = performance.now();
    await refreshAudienceRollups(world.db);
    const seconds = round((performance.now() - t) / 1000, 1);
    const { rows } = await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM audience_active_days');
    const rebuild = { activityMarks, buyers, seconds, activeDays: rows[0]!.n };
    log(
      `analytics: rollups rebuilt for ${activityMarks} activity events and ${buyers} buyers in ${seconds} s ` +
        `(${rebuild.activeDays} active days)`,
    );
    // As autovacuum would leave them by the time anyone looks: statistics and visibility maps.
    for (const table of [
      'customers',
      'events',
      'order_lines',
      'messages',
      'journey_steps',
      'customer_traits',
      'audience_buyer_days',
      'audience_active_days',
    ])
      await run(`vacuum ${table}`, `VACUUM ANALYZE ${table}`);
    return { orderLines, seedSeconds, rebuild };
  } finally {
    await pg.end();
  }
}
