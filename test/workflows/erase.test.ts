// GDPR erase: the journey stops, personal data goes, anonymised aggregates stay, and the erased
// address is never messaged again, even when it comes back.
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';
import { eraseCustomer } from '../../src/customers/erase';
import { customerWorkflowId } from '../../src/temporal/addressing';
import { launchProgram, seedTemplates } from '../helpers/seed';
import { startWorld, type World } from '../helpers/world';
import { customer, inboxOf, send, settledMessages, stepRecord } from './helpers';

let world: World;
const nudge: ProgramDefinitionInput = {
  name: 'Nudge',
  entry: { event: 'browse' },
  start: 'hello',
  steps: {
    hello: { kind: 'send', channel: 'email', template: 'note', next: 'wait' },
    wait: { kind: 'wait', duration: '1d', next: 'again' },
    again: { kind: 'send', channel: 'email', template: 'note', next: 'done' },
    done: { kind: 'exit' },
  },
};

beforeAll(async () => {
  world = await startWorld('time-skipping');
  await seedTemplates(world.database.db, ['note']);
  await launchProgram(world.database.db, 'nudge', nudge);
});
afterAll(() => world?.stop());

test(
  'erase terminates the journey, deletes personal data, ' + 'keeps anonymous aggregates, and suppresses the address',
  async () => {
    const { db } = world.database;
    const id = await customer(world, 'gone@example.com', { city: 'Ljubljana' });
    await send(world, 'gone@example.com', 'browse', 'browse-1', { page: '/dresses' });
    await stepRecord(world, id, { kind: 'send', outcome: 'sent' });
    const stepsBefore = await db.journeyStep.count({ where: { customerId: id } });

    const { anonymousId } = await eraseCustomer(db, world.api.deps.customers, id, 'dpo-key');

    const handle = world.env.client.workflow.getHandle(customerWorkflowId(id));
    expect((await handle.describe()).status.name).toBe('TERMINATED');
    expect(await db.customer.findUnique({ where: { id } })).toBeNull();
    expect(await db.customerIdentifier.count({ where: { value: 'gone@example.com' } })).toBe(0);
    expect(await db.event.count({ where: { id: 'browse-1' } })).toBe(0);
    expect(await db.journeyStep.count({ where: { customerId: anonymousId } })).toBe(stepsBefore);
    const [kept] = await db.message.findMany({ where: { customerId: anonymousId } });
    expect(kept).toMatchObject({ status: 'sent', recipient: null, subject: null });
    expect(await db.suppression.count({ where: { kind: 'erased', customerId: null } })).toBe(1);
    const [audit] = await db.auditEntry.findMany({ where: { action: 'customer.erase' } });
    expect(audit).toMatchObject({
      actor: 'dpo-key',
      resource: `customer:${id}`,
      after: { erasedIds: [id], anonymousId },
    });

    // The day-long wait would have sent again; the erased customer gets nothing more.
    await world.env.sleep('2d');
    expect(inboxOf(world, 'gone@example.com')).toHaveLength(1);

    // The same address returns as a new customer: their journey runs, but no message goes out.
    const again = await customer(world, 'gone@example.com');
    expect(again).not.toBe(id);
    await send(world, 'gone@example.com', 'browse', 'browse-2');
    const [message] = await settledMessages(world, again, 1);
    expect(message).toMatchObject({ status: 'skipped', reason: 'suppressed: erased' });
    expect(inboxOf(world, 'gone@example.com')).toHaveLength(1);
  },
);
