// A small audience written straight to the tables, and what each audience analysis must say of it,
// computed here without SQL: the model the analyses are checked against.
import fc from 'fast-check';
import { isActivityType } from '../../src/analytics/audience-activity';
import type { Db } from '../../src/db/prisma';

export const BASE = Date.UTC(2026, 8, 1); // 2026-09-01
const DAY = 86_400_000;
export const TYPES = [
  'page_view',
  'site_visit',
  'product_view',
  'cart_add',
  'purchase',
  'email_opened',
  'email_clicked',
  'email_delivered',
];

export interface Audience {
  /** `seen`: when the profile was made (customers.created_at). */
  customers: { country: string | null; region: string | null; traits: boolean; seen: number }[];
  events: { c: number; type: string; at: number }[];
  lines: { c: number; order: number; product: number; quantity: number; price: number | null; at: number }[];
  messages: { c: number; status: string; at: number }[];
  entries: { c: number; program: string; version: number; variant: string | null; at: number }[];
  /** Segment membership spells, one per customer and segment at most. */
  spells: { c: number; segment: string; entered: number; left: number | null }[];
}

const when = fc.integer({ min: 0, max: 120 * 24 * 60 - 1 }).map((m) => BASE + m * 60_000);

export const audienceArb = (customers = 8): fc.Arbitrary<Audience> => {
  const c = fc.integer({ min: 0, max: customers - 1 });
  return fc.record({
    customers: fc.array(
      fc.record({
        country: fc.constantFrom('FR', 'DE', null),
        region: fc.constantFrom('north', 'south', null),
        traits: fc.boolean(),
        seen: when,
      }),
      { minLength: customers, maxLength: customers },
    ),
    events: fc.array(fc.record({ c, type: fc.constantFrom(...TYPES), at: when }), { maxLength: 60 }),
    lines: fc.uniqueArray(
      fc.record({
        c,
        order: fc.integer({ min: 0, max: 15 }),
        product: fc.integer({ min: 0, max: 2 }),
        quantity: fc.integer({ min: 1, max: 3 }),
        price: fc.option(fc.integer({ min: 1, max: 9999 }).map((cents) => cents / 100)),
        at: when,
      }),
      { selector: (l) => `${l.order}/${l.product}`, maxLength: 25 },
    ),
    messages: fc.array(fc.record({ c, status: fc.constantFrom('sent', 'skipped', 'failed'), at: when }), {
      maxLength: 15,
    }),
    entries: fc.array(
      fc.record({
        c,
        program: fc.constantFrom('p-a', 'p-b'),
        version: fc.constantFrom(1, 2),
        variant: fc.constantFrom('B', null),
        at: when,
      }),
      { maxLength: 10 },
    ),
    spells: fc.uniqueArray(
      fc.record({ c, segment: fc.constantFrom('s-a', 's-b'), entered: when, left: fc.option(when) }).map((s) => ({
        ...s,
        left: s.left === null ? null : Math.max(s.left, s.entered + 60_000),
      })),
      { selector: (s) => `${s.c}/${s.segment}`, maxLength: 10 },
    ),
  });
};

/** An order's lines all belong to its first line's customer and time, as a purchase writes them. */
export function normalise(a: Audience): Audience {
  const first = new Map<number, Audience['lines'][number]>();
  for (const l of a.lines) if (!first.has(l.order)) first.set(l.order, l);
  return { ...a, lines: a.lines.map((l) => ({ ...l, c: first.get(l.order)!.c, at: first.get(l.order)!.at })) };
}

const id = (c: number) => `cust-${c}`;
const iso = (at: number) => new Date(at).toISOString();

/** Writes the audience as its writers would, with the rollups' deltas and marks, then nothing else. */
export async function seedAudience(db: Db, a: Audience): Promise<void> {
  const json = (rows: unknown[]) => JSON.stringify(rows);
  await db.$executeRawUnsafe(
    `INSERT INTO customers (id, created_at, updated_at)
     SELECT 'cust-' || (n - 1), seen::timestamptz AT TIME ZONE 'UTC', now()
       FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS t(seen, n)`,
    json(a.customers.map((c) => iso(c.seen))),
  );
  await db.$executeRawUnsafe(
    `INSERT INTO products (id, name) VALUES ('prod-0', 'zero'), ('prod-1', 'one'), ('prod-2', 'two')`,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO customer_traits (customer_id, country, region)
     SELECT id, country, region FROM jsonb_to_recordset($1::jsonb) AS t(id text, country text, region text)`,
    json(a.customers.flatMap((x, c) => (x.traits ? [{ id: id(c), country: x.country, region: x.region }] : []))),
  );
  await db.$executeRawUnsafe(
    `INSERT INTO events (id, customer_id, type, occurred_at, delivered_at)
     SELECT 'evt-' || n, id, type, at AT TIME ZONE 'UTC', now()
       FROM jsonb_to_recordset($1::jsonb) AS t(id text, type text, at timestamptz, n int)`,
    json(a.events.map((e, n) => ({ id: id(e.c), type: e.type, at: iso(e.at), n }))),
  );
  await db.$executeRawUnsafe(
    `INSERT INTO order_lines (order_id, product_id, customer_id, quantity, price, ordered_at)
     SELECT 'order-' || o, 'prod-' || p, id, q, price, at AT TIME ZONE 'UTC'
       FROM jsonb_to_recordset($1::jsonb) AS t(o int, p int, id text, q int, price numeric, at timestamptz)`,
    json(a.lines.map((l) => ({ o: l.order, p: l.product, id: id(l.c), q: l.quantity, price: l.price, at: iso(l.at) }))),
  );
  await db.$executeRawUnsafe(
    `INSERT INTO messages (key, customer_id, enrollment_id, program_id, step_id, channel, template_id, status,
                           scheduled_at, created_at)
     SELECT 'msg-' || n, id, 'enr', 'p-a', 's1', 'email', 't', status, at AT TIME ZONE 'UTC', at AT TIME ZONE 'UTC'
       FROM jsonb_to_recordset($1::jsonb) AS t(id text, status text, at timestamptz, n int)`,
    json(a.messages.map((m, n) => ({ id: id(m.c), status: m.status, at: iso(m.at), n }))),
  );
  await db.$executeRawUnsafe(
    `INSERT INTO journey_steps (id, customer_id, enrollment_id, program_id, version, variant, step_id, kind, outcome,
                                at)
     SELECT 'step-' || n, id, id || '/' || program, program, version, variant, 's1', 'enter', 'entered',
            at AT TIME ZONE 'UTC'
       FROM jsonb_to_recordset($1::jsonb)
         AS t(id text, program text, version int, variant text, at timestamptz, n int)`,
    json(
      a.entries.map((e, n) => ({
        id: id(e.c),
        program: e.program,
        version: e.version,
        variant: e.variant,
        at: iso(e.at),
        n,
      })),
    ),
  );
  await db.$executeRawUnsafe(`INSERT INTO segments (id, name, draft) VALUES ('s-a', 'a', '{}'), ('s-b', 'b', '{}')`);
  await db.$executeRawUnsafe(
    `INSERT INTO segment_memberships (segment_id, customer_id, spell, version, entered_at, left_at)
     SELECT segment, id, 1, 1, entered AT TIME ZONE 'UTC', "left" AT TIME ZONE 'UTC'
       FROM jsonb_to_recordset($1::jsonb) AS t(segment text, id text, entered timestamptz, "left" timestamptz)`,
    json(
      a.spells.map((s) => ({
        segment: s.segment,
        id: id(s.c),
        entered: iso(s.entered),
        left: s.left === null ? null : iso(s.left),
      })),
    ),
  );
  // What the event and order-line writers append (src/analytics/audience-writes.ts).
  await db.$executeRawUnsafe(
    `INSERT INTO audience_event_deltas (day, type, n)
     SELECT occurred_at::date, type, count(*) FROM events GROUP BY 1, 2`,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO audience_active_marks (type, occurred_at)
     SELECT type, occurred_at FROM events WHERE ${isActivityType('type')}`,
  );
  await db.$executeRawUnsafe(`INSERT INTO audience_dirty_buyers SELECT customer_id FROM order_lines`);
}

export const dayOf = (at: number) => iso(at).slice(0, 10);
export const monthOf = (at: number) => iso(at).slice(0, 7);
export const startOf = (day: string) => Date.parse(day);
export const endOf = (day: string) => Date.parse(day) + DAY;
export const customerId = id;
export const ratio = (part: number, whole: number) => (whole ? Math.round((part / whole) * 10_000) / 10_000 : 0);
export const cents = (n: number) => Math.round(n * 100);
