// The relay signals customers side by side but each customer's events in order, on a real
// database: for random pending events over a few customers, some of whose signals fail, each
// customer's signals are their events in time order up to the first that failed, that one is
// put back with a backoff, and the customers' lanes all ran at once.
import fc from 'fast-check';
import pino from 'pino';
import { createRelay } from '../../src/ingestion/relay';
import type { CustomerEvent } from '../../src/core/state';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

const CUSTOMERS = ['c0', 'c1', 'c2', 'c3', 'c4'];
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.customer.createMany({ data: CUSTOMERS.map((id) => ({ id })) });
});
afterAll(() => database.drop());

const pendingArb = fc.array(
  fc.record({
    customer: fc.constantFrom(...CUSTOMERS),
    minutesAgo: fc.integer({ min: 1, max: 500 }),
    fails: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
  }),
  { minLength: 1, maxLength: 40 },
);

test('customers are signalled at once, each in time order, stopping at a failure', async () => {
  await fc.assert(
    fc.asyncProperty(pendingArb, async (pending) => {
      const { db } = database;
      await db.event.deleteMany();
      const rows = pending.map((p, i) => ({
        id: `e${i}`,
        customerId: p.customer,
        type: 'signup',
        // Distinct instants: the order within a customer is well defined.
        occurredAt: new Date(Date.now() - p.minutesAgo * 60_000 - i),
        nextAttemptAt: new Date(Date.now() - 1000),
        fails: p.fails,
      }));
      await db.event.createMany({ data: rows.map(({ fails: _fails, ...row }) => row) });

      const calls: string[] = [];
      let inFlight = 0;
      let mostInFlight = 0;
      const ingestion = {
        deliver: async (customerId: string, event: CustomerEvent) => {
          mostInFlight = Math.max(mostInFlight, ++inFlight);
          await new Promise((r) => setTimeout(r, Math.random() * 3));
          inFlight--;
          calls.push(`${customerId} ${event.id}`);
          return !rows.find((r) => r.id === event.id)!.fails;
        },
        flush: async () => undefined,
      };
      const referenced = { references: () => true };
      const relay = createRelay({ db, ingestion, logger: pino({ level: 'silent' }), referenced, batchSize: 100 });
      await relay.deliverDue();

      for (const customer of CUSTOMERS) {
        const theirs = rows
          .filter((r) => r.customerId === customer)
          .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
        const failure = theirs.findIndex((r) => r.fails);
        const expected = failure < 0 ? theirs : theirs.slice(0, failure + 1);
        expect(calls.filter((c) => c.startsWith(`${customer} `))).toEqual(expected.map((r) => `${customer} ${r.id}`));
        if (failure >= 0) {
          const failed = await db.event.findUniqueOrThrow({ where: { id: theirs[failure]!.id } });
          expect(failed.attempts).toBe(1);
          expect(failed.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
        }
      }
      expect(mostInFlight).toBe(new Set(rows.map((r) => r.customerId)).size);
    }),
    { numRuns: 40 },
  );
});
