// waitPersonalized: timing from the customer's own behaviour. The best hour comes from when they
// opened or clicked before; purchase cadence from the gaps between their purchases.
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';
import { formatLocal } from '../../src/core/time';
import { launchProgram, seedCatalogue, seedTemplates } from '../helpers/seed';
import { startWorld, type World } from '../helpers/world';
import { settledMessages, stepRecord } from './helpers';

const DAY = 86_400_000;
const ZONE = 'Europe/Ljubljana';
let world: World;

const program = (trigger: string, strategy: Record<string, unknown>): ProgramDefinitionInput => ({
  name: `personalised ${trigger}`,
  timezone: ZONE,
  entry: { event: trigger },
  start: 'wait',
  steps: {
    wait: { kind: 'waitPersonalized', strategy: strategy as never, next: 'send' },
    send: { kind: 'send', channel: 'email', template: 'note', next: 'done' },
    done: { kind: 'exit' },
  },
});

beforeAll(async () => {
  world = await startWorld('time-skipping');
  await seedTemplates(world.database.db, ['note']);
  await seedCatalogue(world.database.db);
  await launchProgram(
    world.database.db,
    'best-hour',
    program('newsletter_ready', { type: 'bestHour', defaultHour: 9 }),
  );
  await launchProgram(
    world.database.db,
    'cadence',
    program('replenish_check', { type: 'purchaseCadence', factor: 1, min: '1d', max: '60d', fallback: '30d' }),
  );
});
afterAll(() => world?.stop());

async function shopper(email: string): Promise<string> {
  return world.api.deps.identity.identify({ customer: { email }, timezone: ZONE });
}

test('bestHour sends at the local hour the customer most often opened email', async () => {
  const id = await shopper('evening@example.com');
  // Opens at 19:xx Ljubljana (18:xx UTC in winter) on three days, one at 08:xx.
  for (const [i, iso] of [
    '2026-11-02T18:10:00Z',
    '2026-11-05T18:40:00Z',
    '2026-11-09T18:05:00Z',
    '2026-11-10T07:30:00Z',
  ].entries()) {
    await world.api.deps.ingestion.ingest({
      eventId: `open-${i}`,
      type: 'email_opened',
      timestamp: iso,
      customer: { email: 'evening@example.com' },
      properties: {},
    });
  }
  await world.api.deps.ingestion.ingest({
    eventId: 'ready-1',
    type: 'newsletter_ready',
    customer: { email: 'evening@example.com' },
    properties: {},
  });
  await world.env.sleep('2d');
  const [message] = await settledMessages(world, id, 1);
  expect(formatLocal(message!.scheduledAt.getTime(), ZONE)).toMatch(/ 19:00 /);
  const wait = await stepRecord(world, id, { kind: 'waitPersonalized', outcome: 'waited' });
  expect(wait.detail).toMatchObject({ basis: `best hour 19:00 ${ZONE}` });
});

test("purchaseCadence waits the median gap between the customer's purchase days", async () => {
  const id = await shopper('regular@example.com');
  const start = Date.parse('2026-09-01T10:00:00Z');
  // Purchases 10, 12 and 14 days apart: the median gap is 12 days.
  for (const [i, offset] of [0, 10, 22, 36].entries()) {
    await world.api.deps.ingestion.ingest({
      eventId: `buy-${i}`,
      type: 'purchase',
      timestamp: new Date(start + offset * DAY).toISOString(),
      customer: { email: 'regular@example.com' },
      properties: { orderId: `o-${i}`, items: [{ productId: 'sandals', price: 59 }] },
    });
  }
  const before = await world.env.currentTimeMs();
  await world.api.deps.ingestion.ingest({
    eventId: 'check-1',
    type: 'replenish_check',
    customer: { email: 'regular@example.com' },
    properties: {},
  });
  await world.env.sleep('13d');
  const [message] = await settledMessages(world, id, 1);
  const waited = message!.scheduledAt.getTime() - before;
  expect(waited).toBeGreaterThanOrEqual(12 * DAY);
  expect(waited).toBeLessThan(12 * DAY + 60_000);
});
