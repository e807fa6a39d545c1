// The webhook channel (SMS providers, in-house systems): a signed JSON POST with the message key
// as Idempotency-Key, through the same outbox as email: retried on 5xx, failed on 4xx.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from '../../src/messaging/webhook-sender';
import { launchProgram, seedTemplates } from '../helpers/seed';
import { TEST_SIGNING_SECRET } from '../helpers/worker';
import { startWorld, type World } from '../helpers/world';
import { customer, send, settledMessages } from './helpers';

interface Received {
  path: string;
  idempotencyKey: string;
  signed: boolean;
  body: { messageKey: string; body: string };
}
const received: Received[] = [];
let answers: number[] = []; // status codes to give, in order; 200 once they run out
let receiver: Server;
let receiverUrl: string;
let world: World;

const smsProgram = (path: string, trigger: string): ProgramDefinitionInput => ({
  name: `SMS ${path}`,
  entry: { event: trigger },
  start: 'sms',
  steps: {
    sms: {
      kind: 'send',
      channel: 'webhook',
      url: `${receiverUrl}${path}`,
      template: 'sms',
      next: 'done',
      onFailure: 'failed',
    },
    done: { kind: 'exit' },
    failed: { kind: 'exit' },
  },
});

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const status = answers.shift() ?? 200;
      const signed = verifyWebhookSignature(
        TEST_SIGNING_SECRET,
        String(req.headers[TIMESTAMP_HEADER]),
        raw,
        String(req.headers[SIGNATURE_HEADER]),
      );
      if (status === 200)
        received.push({
          path: req.url ?? '',
          idempotencyKey: String(req.headers['idempotency-key']),
          signed,
          body: JSON.parse(raw),
        });
      res.writeHead(status).end();
    });
  }).listen(0, '127.0.0.1');
  await new Promise((r) => receiver.once('listening', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  world = await startWorld('time-skipping');
  await seedTemplates(world.database.db, ['sms']);
  await launchProgram(world.database.db, 'shipped-sms', smsProgram('/sms', 'order_shipped'));
  await launchProgram(world.database.db, 'refused-sms', smsProgram('/refuses', 'order_refused'));
});
afterAll(async () => {
  await world?.stop();
  await new Promise((r) => receiver.close(r));
});

test('a webhook send is signed, keyed by its message key, and retried through a 5xx until accepted once', async () => {
  answers = [500, 503];
  const id = await customer(world, 'sms@example.com');
  await send(world, 'sms@example.com', 'order_shipped', 'shipped-1');
  await world.env.sleep('10m'); // past the retries' backoff
  const [message] = await settledMessages(world, id, 1);
  expect(message).toMatchObject({ status: 'sent', channel: 'webhook', recipient: `${receiverUrl}/sms` });
  expect(received).toHaveLength(1);
  expect(received[0]).toMatchObject({
    path: '/sms',
    idempotencyKey: message!.key,
    signed: true,
    body: { messageKey: message!.key, body: '<p>sms</p>' },
  });
});

test("a 4xx answer fails the message and takes the step's onFailure branch, without a retry", async () => {
  answers = [422];
  const id = await customer(world, 'refused@example.com');
  await send(world, 'refused@example.com', 'order_refused', 'refused-1');
  const [message] = await settledMessages(world, id, 1);
  expect(message?.status).toBe('failed');
  expect(message?.reason).toMatch(/answered 422/);
  expect(answers).toHaveLength(0);
  expect(received.filter((r) => r.path === '/refuses')).toHaveLength(0);
});
