// Consent rows on a database server that is not in UTC: the unsubscribe time is stored in UTC, as
// Prisma writes and reads every timestamp, and a repeated click keeps the first time.
import { createConsent } from '../../src/messaging/unsubscribe';
import { admin, createTestDatabase, type TestDatabase } from '../helpers/database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await admin(
    database.url,
    `ALTER DATABASE ${new URL(database.url).pathname.slice(1)} SET timezone = 'America/Los_Angeles'`,
  );
  await database.db.customer.create({ data: { id: 'ana' } });
});
afterAll(() => database?.drop());

test('an unsubscribe is dated now in UTC, and a second one keeps the first date', async () => {
  const consent = createConsent(database.db);
  await consent.unsubscribe('ana', 'newsletter');
  const first = await database.db.subscription.findUniqueOrThrow({
    where: { customerId_group: { customerId: 'ana', group: 'newsletter' } },
  });
  expect(first.subscribed).toBe(false);
  expect(Math.abs(first.updatedAt.getTime() - Date.now())).toBeLessThan(60_000);

  await consent.unsubscribe('ana', 'newsletter');
  const again = await database.db.subscription.findUniqueOrThrow({
    where: { customerId_group: { customerId: 'ana', group: 'newsletter' } },
  });
  expect(again.updatedAt).toEqual(first.updatedAt);
});
