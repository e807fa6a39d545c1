// Simona's journey on the time-skipping server, through the real ingestion path, activities,
// PostgreSQL and the SendGrid client against the local sink: days pass in seconds.
import { formatLocal } from '../../src/core/time';
import { fixtureTemplateIds, postPurchaseCrossSell } from '../programs/fixtures';
import { launchProgram, seedCatalogue, seedTemplates } from '../helpers/seed';
import { eventually, startWorld, type World } from '../helpers/world';
import { storePurchase as purchase } from './helpers';

const ZONE = 'Europe/Ljubljana';
const HOUR = 3_600_000;
let world: World;

beforeAll(async () => {
  world = await startWorld('time-skipping');
  const { db } = world.database;
  await seedTemplates(db, fixtureTemplateIds);
  await seedCatalogue(db);
  await launchProgram(db, 'cross-sell', postPurchaseCrossSell);
});
afterAll(() => world?.stop());

async function shopper(email: string, loyaltyId: string): Promise<string> {
  return world.api.deps.identity.identify({
    customer: { email, loyaltyId },
    timezone: ZONE,
    traits: { firstName: email.slice(0, email.indexOf('@')) },
  });
}

const storePurchase = (loyaltyId: string, orderId: string) => purchase(world, loyaltyId, orderId);

const messagesOf = (customerId: string) =>
  world.database.db.message.findMany({ where: { customerId }, orderBy: { scheduledAt: 'asc' } });

test('a site visit within 2 days brings the cross-sell email at the next allowed 10:00 in her zone', async () => {
  const simona = await shopper('simona@example.com', 'LOYAL-1');
  await storePurchase('LOYAL-1', 'store-order-1');
  await world.env.sleep('20h');
  const visitAt = await world.env.currentTimeMs();
  await world.api.deps.ingestion.ingest({
    type: 'site_visit',
    customer: { email: 'simona@example.com' },
    properties: { page: '/summer' },
  });
  await world.env.sleep('3d');

  const messages = await eventually(
    async () => {
      const m = await messagesOf(simona);
      return m.length > 0 && m.every((x) => x.status === 'sent') && m;
    },
    45_000,
    'the cross-sell email',
  );
  expect(messages.map((m) => m.templateId)).toEqual(['cross-sell']);
  const sentAt = messages[0]!.scheduledAt.getTime();
  expect(formatLocal(sentAt, ZONE)).toMatch(/ 10:00 (mon|tue|wed|thu|fri|sat)$/);
  expect(sentAt).toBeGreaterThan(visitAt);
  expect(sentAt - visitAt).toBeLessThanOrEqual(48 * HOUR);
  const inbox = world.sink.store.list().filter((m) => m.to.includes('simona@example.com'));
  expect(inbox.map((m) => m.subject)).toEqual(['cross-sell for simona']);
});

test('no visit within 2 days brings the recommendation email with items that fit the dress', async () => {
  const marta = await shopper('marta@example.com', 'LOYAL-2');
  await storePurchase('LOYAL-2', 'store-order-2');
  const boughtAt = await world.env.currentTimeMs();
  await world.env.sleep('50h');

  const messages = await eventually(
    async () => {
      const m = await messagesOf(marta);
      return m.length > 0 && m.every((x) => x.status === 'sent') && m;
    },
    45_000,
    'the recommendation email',
  );
  expect(messages.map((m) => m.templateId)).toEqual(['recommendations']);
  expect(messages[0]!.scheduledAt.getTime() - boughtAt).toBeGreaterThanOrEqual(48 * HOUR);
  const [mail] = world.sink.store.list().filter((m) => m.to.includes('marta@example.com'));
  // Matching summer items, the overstocked bag first; not the dress she owns, not the sold-out belt.
  expect(mail?.html).toContain('<li>Straw bag</li><li>Leather sandals</li>');
  expect(mail?.html).not.toMatch(/Linen summer dress|Woven belt/);
});
