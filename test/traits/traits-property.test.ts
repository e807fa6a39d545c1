// customer_traits kept current by the write paths, on a real PostgreSQL: any sequence of purchase
// events (retried under the same id, or the same order under a new id), email opens and clicks
// (per event and through the batch path), profile changes (identify, a journey's update step and a
// customers import's batch) and merges, with times in any order and the commuting writes run concurrently, leaves every
// customer's row equal to what a TypeScript model computes from scratch (test/traits/traits-model.ts).
import fc from 'fast-check';
import pino from 'pino';
import type { CustomerWorkflows } from '../../src/customers/customer-workflows';
import { createIdentity, type Identity } from '../../src/customers/identity';
import { mergeCustomers } from '../../src/customers/merge';
import { updateProfile } from '../../src/customers/profile-updates';
import { customerWriter } from '../../src/imports/batch-writers';
import { createIngestion, type Ingestion } from '../../src/ingestion/ingestion';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { NO_TRAITS, TraitsModel, type ModelTraits } from './traits-model';

const DAY = 86_400_000;
const CUSTOMERS = ['c1', 'c2', 'c3', 'c4'];
/** A product with no category, and one the catalogue lacks (its lines are skipped). */
const CATALOGUE = new Map<string, string | null>([
  ['dress', 'clothing'],
  ['scarf', 'clothing'],
  ['ring', 'jewellery'],
  ['vase', 'home'],
  ['card', null],
]);
const PRODUCTS = [...CATALOGUE.keys(), 'ghost'];

const customers = { mergeInto: async () => undefined } as unknown as CustomerWorkflows;
let database: TestDatabase;
let ingestion: Ingestion;
let identity: Identity;

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.product.createMany({
    data: [...CATALOGUE].map(([id, category]) => ({ id, name: id, category })),
  });
  identity = createIdentity(database.db, customers);
  ingestion = createIngestion({
    db: database.db,
    identity,
    customers,
    logger: pino({ level: 'silent' }),
    // Nothing referenced: nothing is signalled, and email events may take the batch path.
    referenced: { references: () => false, enters: () => false },
  });
});
afterAll(() => database?.drop());

/** Days ago, never near a window's edge (30 days, 12 months), so the model and SQL agree on "now". */
const daysAgo = fc.oneof(
  fc.double({ min: 0.1, max: 25, noNaN: true }),
  fc.double({ min: 40, max: 300, noNaN: true }),
  fc.double({ min: 400, max: 700, noNaN: true }),
);

/** An order belongs to one customer at one time: two events naming it carry the same lines. */
const order = fc.record({
  customer: fc.constantFrom(...CUSTOMERS),
  daysAgo,
  items: fc.array(
    fc.record({
      productId: fc.constantFrom(...PRODUCTS),
      quantity: fc.integer({ min: 1, max: 4 }),
      priceCents: fc.option(fc.integer({ min: 1, max: 50_000 }), { freq: 5 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

type Op =
  | { kind: 'purchase'; event: number; order: number }
  | {
      kind: 'email';
      event: number;
      customer: string;
      type: 'email_opened' | 'email_clicked';
      daysAgo: number;
      batch: boolean;
    }
  | {
      kind: 'profile';
      customer: string;
      country: string | number | null;
      region: string | null;
      via: 'identify' | 'update' | 'import';
    }
  | { kind: 'merge'; survivor: string; merged: string };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('purchase' as const), event: fc.nat(7), order: fc.nat(5) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('email' as const),
      event: fc.nat(9),
      customer: fc.constantFrom(...CUSTOMERS),
      type: fc.constantFrom('email_opened' as const, 'email_clicked' as const),
      daysAgo,
      batch: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('profile' as const),
      customer: fc.constantFrom(...CUSTOMERS),
      country: fc.constantFrom('SI', 'AT', 'IT', null, 7),
      region: fc.constantFrom('Gorenjska', 'Tirol', null),
      via: fc.constantFrom('identify' as const, 'update' as const, 'import' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('merge' as const),
      survivor: fc.constantFrom(...CUSTOMERS),
      merged: fc.constantFrom(...CUSTOMERS),
    }),
  },
);

test('every write path leaves customer_traits equal to the model computed from scratch', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(order, { minLength: 6, maxLength: 6 }),
      fc.array(op, { minLength: 1, maxLength: 30 }),
      async (orders, ops) => {
        await reset();
        const now = Date.now();
        const at = (days: number) => Math.round(now - days * DAY);
        const model = new TraitsModel();
        // Writes that commute (events) run together; profile changes and merges run alone, in order.
        for (const group of groups(ops)) {
          await Promise.all(
            group.map(async (o) => {
              if (o.kind === 'purchase') {
                // An event id always names the same event: the same order (its retry under a new id is another id).
                const spec = orders[o.order]!;
                const eventId = `purchase-${o.event}-order-${o.order}`;
                model.purchase(
                  { id: eventId, customerId: spec.customer, type: 'purchase', at: at(spec.daysAgo) },
                  spec.items.filter((i) => CATALOGUE.has(i.productId)).map((i) => ({ orderId: `o${o.order}`, ...i })),
                );
                await ingestion.ingest({
                  eventId,
                  type: 'purchase',
                  timestamp: new Date(at(spec.daysAgo)).toISOString(),
                  customer: { id: spec.customer },
                  properties: {
                    orderId: `o${o.order}`,
                    items: spec.items.map((i) => ({
                      productId: i.productId,
                      quantity: i.quantity,
                      ...(i.priceCents === null ? {} : { price: i.priceCents / 100 }),
                    })),
                  },
                });
              } else if (o.kind === 'email') {
                const eventId = `${o.type}-${o.event}-${o.customer}-${Math.round(o.daysAgo * 1000)}`;
                model.event({ id: eventId, customerId: o.customer, type: o.type, at: at(o.daysAgo) });
                const input = {
                  eventId,
                  type: o.type,
                  timestamp: new Date(at(o.daysAgo)).toISOString(),
                  customer: { id: o.customer },
                  properties: {},
                };
                // The batch path stores only known customers' events; the rest go the per-event way.
                const answered = o.batch ? await ingestion.ingestUnreferenced([{ index: 0, input }]) : new Map();
                if (!answered.has(0)) await ingestion.ingest(input);
              } else if (o.kind === 'profile') {
                const traits = { country: o.country, region: o.region };
                if (o.via === 'import') {
                  // A file names customers as it has them: a merged customer's own profile is written.
                  if (model.resolve(o.customer) === o.customer) model.setTraits(o.customer, traits);
                  const row = { line: 2, value: { id: o.customer, timezone: undefined, traits, identifiers: [] } };
                  await database.db.$transaction((tx) => customerWriter()(tx, [row]));
                } else if (o.via === 'identify') {
                  model.setTraits(o.customer, traits);
                  await identity.identify({ customer: { id: o.customer }, traits });
                } else {
                  // An update step runs in the workflow of a customer that exists (the survivor after a merge).
                  const id = model.resolve(o.customer);
                  if (!model.customers.has(id)) return;
                  model.setTraits(id, traits);
                  await updateProfile(database.db, { customerId: id, set: traits });
                }
              } else {
                const [survivor, merged] = [model.resolve(o.survivor), model.resolve(o.merged)];
                if (survivor === merged || !model.customers.has(survivor) || !model.customers.has(merged)) return;
                model.merge(survivor, merged);
                await mergeCustomers(database.db, customers, survivor, [merged]);
              }
            }),
          );
        }
        expect(await storedTraits()).toEqual(expected(model, now));
      },
    ),
    { numRuns: 40 },
  );
});

/** The ops split at each profile change and merge, which run alone; events between them run together. */
function groups(ops: Op[]): Op[][] {
  const result: Op[][] = [];
  let events: Op[] = [];
  for (const o of ops) {
    if (o.kind === 'purchase' || o.kind === 'email') {
      events.push(o);
      continue;
    }
    if (events.length) result.push(events);
    result.push([o]);
    events = [];
  }
  if (events.length) result.push(events);
  return result;
}

async function reset(): Promise<void> {
  await database.db.$executeRawUnsafe('TRUNCATE customers, order_lines, events, customer_traits CASCADE');
}

type Comparable = Omit<ModelTraits, 'firstPurchaseAt' | 'lastPurchaseAt'> & {
  firstPurchaseAt: string | null;
  lastPurchaseAt: string | null;
  rfm: (number | null)[];
};

const cents = (amount: { toString(): string }) => Math.round(Number(amount.toString()) * 100);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Every customer not merged away, by id: its row, or no purchases and no engagement when it has none. */
async function storedTraits(): Promise<Record<string, Comparable>> {
  const { db } = database;
  const [rows, alive] = await Promise.all([
    db.customerTraits.findMany({ include: { customer: { select: { mergedInto: true } } } }),
    db.customer.findMany({ where: { mergedInto: null }, select: { id: true } }),
  ]);
  // A merged customer keeps no row.
  expect(rows.filter((r) => r.customer.mergedInto !== null).map((r) => r.customerId)).toEqual([]);
  const byId = new Map(rows.map((r) => [r.customerId, r]));
  return Object.fromEntries(
    alive.map(({ id }) => {
      const row = byId.get(id);
      const traits: Comparable = row
        ? {
            orderCount: row.orderCount,
            totalSpentCents: cents(row.totalSpent),
            firstPurchaseAt: row.firstPurchaseAt?.toISOString() ?? null,
            lastPurchaseAt: row.lastPurchaseAt?.toISOString() ?? null,
            favouriteCategory: row.favouriteCategory,
            value12mCents: cents(row.value12m),
            opens30d: row.opens30d,
            clicks30d: row.clicks30d,
            country: row.country,
            region: row.region,
            rfm: [row.rfmRecency, row.rfmFrequency, row.rfmMonetary],
          }
        : { ...NO_TRAITS, firstPurchaseAt: null, lastPurchaseAt: null, rfm: [null, null, null] };
      return [id, traits];
    }),
  );
}

function expected(model: TraitsModel, now: number): Record<string, Comparable> {
  return Object.fromEntries(
    [...model.traits(CATALOGUE, now)].map(([id, t]) => [
      id,
      // Millisecond instants, as timestamp(3) keeps them; RFM waits for the schedule.
      { ...t, firstPurchaseAt: iso(t.firstPurchaseAt), lastPurchaseAt: iso(t.lastPurchaseAt), rfm: [null, null, null] },
    ]),
  );
}
