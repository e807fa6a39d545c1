// Crash safety of the send activity: the worker dies after SendGrid accepted a message but
// before the outcome was written. Temporal retries the activity; the message must not go twice.
import type { EmailSender } from '../../src/messaging/email-sender';
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';
import { launchProgram, seedTemplates } from '../helpers/seed';
import { startWorld, type World } from '../helpers/world';
import { customer, inboxOf, send, settledMessages } from './helpers';

let world: World;
let crashes = 0;

/** The real client sends; then, once, the attempt dies as a crashing worker's would. */
function crashAfterFirstAcceptedSend(real: EmailSender): EmailSender {
  return {
    async send(email) {
      const result = await real.send(email);
      if (crashes++ === 0) throw new Error('worker lost: socket hang up after the request was sent');
      return result;
    },
  };
}

const hello: ProgramDefinitionInput = {
  name: 'Hello',
  entry: { event: 'signup' },
  start: 'send',
  steps: { send: { kind: 'send', channel: 'email', template: 'hello', next: 'done' }, done: { kind: 'exit' } },
};

beforeAll(async () => {
  world = await startWorld('time-skipping', { wrapEmail: crashAfterFirstAcceptedSend });
  await seedTemplates(world.database.db, ['hello']);
  await launchProgram(world.database.db, 'hello', hello);
});
afterAll(() => world?.stop());

test(
  'a send retried after a crash that followed the ' + 'provider call leaves exactly one message in the sink',
  async () => {
    const id = await customer(world, 'once@example.com');
    await send(world, 'once@example.com', 'signup', 'signup-once');
    await world.env.sleep('1m'); // past the activity's first retry interval
    const [message] = await settledMessages(world, id, 1);
    expect(crashes).toBe(1); // the crash happened, and the retry did not call the provider again
    expect(message).toMatchObject({ status: 'sent', reason: 'unconfirmed' });
    expect(inboxOf(world, 'once@example.com')).toHaveLength(1);
  },
);
