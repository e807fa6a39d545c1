// Merging identities: Simona buys in store under her loyalty card (one customer, one workflow),
// is known on the web by email (another), and a web identify joining the two makes them one.
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';
import { customerWorkflowId } from '../../src/temporal/addressing';
import { launchProgram, seedTemplates } from '../helpers/seed';
import { eventually, startWorld, type World } from '../helpers/world';
import { settledMessages } from './helpers';

let world: World;

const crossSell: ProgramDefinitionInput = {
  name: 'Cross-sell after a store purchase',
  entry: { event: 'purchase' },
  start: 'wait-visit',
  steps: {
    'wait-visit': {
      kind: 'waitForEvent',
      event: { type: 'site_visit' },
      timeout: '2d',
      next: { matched: 'send', timedOut: 'done' },
    },
    send: { kind: 'send', channel: 'email', template: 'cross-sell', next: 'done' },
    done: { kind: 'exit' },
  },
};
const welcome: ProgramDefinitionInput = {
  name: 'Welcome',
  entry: { event: 'signup' },
  start: 'send',
  steps: { send: { kind: 'send', channel: 'email', template: 'welcome', next: 'done' }, done: { kind: 'exit' } },
};

beforeAll(async () => {
  world = await startWorld('time-skipping');
  await seedTemplates(world.database.db, ['cross-sell', 'welcome']);
  await launchProgram(world.database.db, 'cross-sell', crossSell);
  await launchProgram(world.database.db, 'welcome', welcome);
});
afterAll(() => world?.stop());

test(
  'a web identify joining email and loyalty card merges two customers into one, ' +
    'whose workflow holds both journeys',
  async () => {
    const { identity, ingestion, customers } = world.api.deps;
    const web = await identity.identify({ customer: { email: 'simona@example.com' }, traits: { firstName: 'Simona' } });
    await ingestion.ingest({
      eventId: 'web-signup',
      type: 'signup',
      customer: { email: 'simona@example.com' },
      properties: {},
    });
    await settledMessages(world, web, 1);
    const store = (
      await ingestion.ingest({
        eventId: 'store-purchase',
        type: 'purchase',
        customer: { loyaltyId: 'LOYAL-1' },
        properties: {},
      })
    ).customerId;
    expect(store).not.toBe(web);
    await eventually(
      async () => (await customers.journeyState(store).catch(() => undefined))?.enrollments.length === 1,
      20_000,
      'the store enrollment',
    );

    const survivor = await identity.identify({
      customer: { email: 'simona@example.com', loyaltyId: 'LOYAL-1' },
      timezone: 'Europe/Ljubljana',
    });
    expect(survivor).toBe(web);

    // One customer: every identifier points at the survivor, and the other forwards to it.
    const identifiers = await world.database.db.customerIdentifier.findMany({ orderBy: { kind: 'asc' } });
    expect(identifiers.map((i) => [i.kind, i.customerId])).toEqual([
      ['email', web],
      ['loyaltyId', web],
    ]);
    expect((await world.database.db.customer.findUniqueOrThrow({ where: { id: store } })).mergedInto).toBe(web);
    // The merged workflow ended with a forward; the survivor's holds the store journey and both histories' state.
    // (Polled with describe: awaiting result() would let the time-skipping server jump past the
    // handed-over 2-day wait.)
    const merged = world.env.client.workflow.getHandle(customerWorkflowId(store));
    await eventually(
      async () => (await merged.describe()).status.name === 'COMPLETED',
      45_000,
      'the merged workflow to end',
    );
    const state = await eventually(
      async () => {
        const s = await customers.journeyState(web);
        return s.enrollments.some((e) => e.id === 'cross-sell/store-purchase') && s;
      },
      45_000,
      'the handed-over enrollment',
    );
    expect(state.eventsSeen).toBe(2);

    // Her site visit, under any identifier, reaches the survivor and completes the store journey.
    await ingestion.ingest({
      eventId: 'visit',
      type: 'site_visit',
      customer: { loyaltyId: 'LOYAL-1' },
      properties: {},
    });
    const messages = await settledMessages(world, web, 2);
    expect(messages.map((m) => [m.templateId, m.status])).toEqual([
      ['welcome', 'sent'],
      ['cross-sell', 'sent'],
    ]);
    expect(world.sink.store.list({ to: 'simona@example.com' })).toHaveLength(2);
    expect((await customers.journeyState(web)).contactLog).toHaveLength(2);
    expect(await merged.result()).toEqual({ mergedInto: web });
  },
);

test(
  'identify with a new customer id and an email another ' + 'customer holds merges that customer into the new id',
  async () => {
    const { identity } = world.api.deps;
    const anonymous = await identity.identify({ customer: { email: 'ana@example.com' } });
    const named = await identity.identify({ customer: { id: 'crm-ana', email: 'ana@example.com' } });
    expect(named).toBe('crm-ana');
    expect((await world.database.db.customer.findUniqueOrThrow({ where: { id: anonymous } })).mergedInto).toBe(
      'crm-ana',
    );
    expect(
      (await world.database.db.customerIdentifier.findFirstOrThrow({ where: { value: 'ana@example.com' } })).customerId,
    ).toBe('crm-ana');
  },
);
