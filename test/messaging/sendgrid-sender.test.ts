// The SendGrid adapter, through the real @sendgrid/mail client, against the local sink.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EmailRejectedError, EmailUnavailableError, type OutgoingEmail } from '../../src/messaging/email-sender';
import { Client } from '@sendgrid/client';
import { testWorkerConfig } from '../helpers/config';
import { createSendGridSender, DEFAULT_SENDGRID_TIMEOUT_MS } from '../../src/messaging/sendgrid-sender';
import { startSink, type RunningSink } from '../../src/messaging/sink/start-sink';

const apiKey = 'SG.test-key-never-in-errors';
let sink: RunningSink;

const email = (overrides: Partial<OutgoingEmail> = {}): OutgoingEmail => ({
  to: 'ada@example.com',
  from: 'hello@kairos.local',
  subject: 'Welcome, Ada',
  html: '<p>Hello Ada</p>',
  text: 'Hello Ada',
  messageKey: 'customer-1:welcome:1',
  ...overrides,
});

const setFault = async (fault: object): Promise<void> => {
  const res = await fetch(`${sink.url}/_sink/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  expect(res.status).toBe(200);
};

beforeAll(async () => {
  sink = await startSink();
});
afterEach(async () => {
  await fetch(`${sink.url}/_sink/faults`, { method: 'DELETE' });
  sink.store.clear();
});
afterAll(async () => {
  await sink.close();
});

test('a sent email lands in the inbox with message_key in custom_args and the x-message-id returned', async () => {
  const sender = createSendGridSender({ apiKey, baseUrl: sink.url });
  const result = await sender.send(
    email({ headers: { 'List-Unsubscribe': '<https://k.local/u/1>' }, customArgs: { journey: 'onboarding' } }),
  );

  const [stored, ...others] = sink.store.list();
  expect(others).toHaveLength(0);
  expect(result.providerMessageId).toBe(stored?.messageId);
  expect(result.providerMessageId).toMatch(/^[\w-]{10,}$/);
  expect(stored).toMatchObject({
    to: ['ada@example.com'],
    from: 'hello@kairos.local',
    subject: 'Welcome, Ada',
    html: '<p>Hello Ada</p>',
    text: 'Hello Ada',
    headers: { 'List-Unsubscribe': '<https://k.local/u/1>' },
    customArgs: { message_key: 'customer-1:welcome:1', journey: 'onboarding' },
  });
});

test('a caller custom arg cannot overwrite message_key', async () => {
  const sender = createSendGridSender({ apiKey, baseUrl: sink.url });
  await sender.send(email({ customArgs: { message_key: 'forged' } }));
  expect(sink.store.list()[0]?.customArgs.message_key).toBe('customer-1:welcome:1');
});

test('a 500 from SendGrid becomes a retryable EmailUnavailableError and nothing is stored', async () => {
  await setFault({ status: 500, count: 1 });
  const sender = createSendGridSender({ apiKey, baseUrl: sink.url });
  const error: unknown = await sender.send(email()).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(EmailUnavailableError);
  expect((error as EmailUnavailableError).statusCode).toBe(500);
  expect(sink.store.list()).toHaveLength(0);
});

test('a 429 becomes EmailUnavailableError carrying the Retry-After delay', async () => {
  await setFault({ status: 429, durationMs: 2_000 });
  const sender = createSendGridSender({ apiKey, baseUrl: sink.url });
  const error: unknown = await sender.send(email()).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(EmailUnavailableError);
  expect((error as EmailUnavailableError).statusCode).toBe(429);
  expect((error as EmailUnavailableError).retryAfterMs).toBeGreaterThanOrEqual(1_000);
});

test('an invalid from address becomes a permanent EmailRejectedError naming the field, never the key', async () => {
  const sender = createSendGridSender({ apiKey, baseUrl: sink.url });
  const error: unknown = await sender.send(email({ from: 'not-an-address' })).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(EmailRejectedError);
  expect((error as EmailRejectedError).statusCode).toBe(400);
  expect((error as Error).message).toContain('from.email');
  expect(JSON.stringify(error) + String((error as Error).stack)).not.toContain(apiKey);
});

test('an unreachable SendGrid becomes EmailUnavailableError without a status', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise((resolve) => closed.close(resolve));

  const sender = createSendGridSender({ apiKey, baseUrl: `http://127.0.0.1:${port}` });
  const error: unknown = await sender.send(email()).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(EmailUnavailableError);
  expect((error as EmailUnavailableError).statusCode).toBeUndefined();
  expect((error as Error).message).toContain('ECONNREFUSED');
});

test('a send slower than timeoutMs becomes EmailUnavailableError', async () => {
  await setFault({ delayMs: 1_000, count: 1 });
  const sender = createSendGridSender({ apiKey, baseUrl: sink.url, timeoutMs: 100 });
  await expect(sender.send(email())).rejects.toBeInstanceOf(EmailUnavailableError);
});

describe('a SendGrid that never answers', () => {
  let hanging: Server;
  let url: string;
  beforeAll(async () => {
    hanging = createServer(() => undefined); // reads the request, never answers
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    hanging.closeAllConnections();
    await new Promise((resolve) => hanging.close(resolve));
  });

  test('is given up on after SENDGRID_TIMEOUT_MS, as a retryable EmailUnavailableError', async () => {
    const { email: settings } = testWorkerConfig({ SENDGRID_TIMEOUT_MS: '300' });
    const sender = createSendGridSender({ apiKey, baseUrl: url, timeoutMs: settings.timeoutMs });
    const started = Date.now();
    const error: unknown = await sender.send(email()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmailUnavailableError);
    expect((error as Error).message).toMatch(/timeout of 300ms/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  test('has a timeout even when none is configured', () => {
    expect(testWorkerConfig().email.timeoutMs).toBe(DEFAULT_SENDGRID_TIMEOUT_MS);
    expect(DEFAULT_SENDGRID_TIMEOUT_MS).toBeGreaterThan(0);
    const setDefault = jest.spyOn(Client.prototype, 'setDefaultRequest');
    try {
      createSendGridSender({ apiKey, baseUrl: url });
      expect(setDefault).toHaveBeenCalledWith('timeout', DEFAULT_SENDGRID_TIMEOUT_MS);
    } finally {
      setDefault.mockRestore();
    }
  });
});
