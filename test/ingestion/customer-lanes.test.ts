// Which items of a batch may be ingested at once: lanes from shared identifiers and from
// customers already known, on a real database; and the lane runner's order and failure rules.
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { customerLanes, runInLanes } from '../../src/ingestion/customer-lanes';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  // Known before the batch: ana holds an email and a loyalty card; old-ana was merged into her.
  await database.db.customer.createMany({ data: [{ id: 'ana' }, { id: 'old-ana', mergedInto: 'ana' }] });
  await database.db.customerIdentifier.createMany({
    data: [
      { kind: 'email', value: 'ana@example.com', customerId: 'ana' },
      { kind: 'loyaltyId', value: 'L-1', customerId: 'ana' },
    ],
  });
});
afterAll(() => database?.drop());

test('items that share an identifier, or name one known customer in different ways, share a lane', async () => {
  const lanes = await customerLanes(database.db, [
    { email: 'bo@example.com' },
    { id: 'ana' },
    { anonymousId: 'web-1', email: 'bo@example.com' },
    { loyaltyId: 'L-1' },
    undefined, // an invalid item
    { anonymousId: 'web-1' },
    { email: 'ana@example.com' },
    { id: 'old-ana' },
    { email: 'cy@example.com' },
  ]);
  const [bo, ana, boWeb, anaCard, invalid, web, anaMail, oldAna, cy] = lanes;
  expect([boWeb, web]).toEqual([bo, bo]);
  expect([anaCard, anaMail, oldAna]).toEqual([ana, ana, ana]);
  expect(new Set([bo, ana, invalid, cy]).size).toBe(4);
});

test('lanes run side by side, each in order; after a failure nothing new starts and the error comes back', async () => {
  const started: number[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const run = async (i: number) => {
    started.push(i);
    mostInFlight = Math.max(mostInFlight, ++inFlight);
    await new Promise((r) => setImmediate(r));
    inFlight--;
  };
  await runInLanes([0, 1, 0, 1, 2, 0], 2, run);
  expect(mostInFlight).toBe(2);
  expect(started.filter((i) => [0, 2, 5].includes(i))).toEqual([0, 2, 5]);
  expect([...started].sort()).toEqual([0, 1, 2, 3, 4, 5]);

  const ran: number[] = [];
  const failing = runInLanes([0, 0, 0, 1, 1, 1], 1, async (i) => {
    ran.push(i);
    if (i === 1) throw new Error('database gone');
  });
  await expect(failing).rejects.toThrow('database gone');
  expect(ran).toEqual([0, 1]);
});
