// The local SendGrid sink over HTTP: auth, validation, inbox, faults and signed Event Webhook batches.
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventWebhook } from '@sendgrid/eventwebhook';
import { startSink, type RunningSink } from '../../src/messaging/sink/start-sink';
import type { SinkMessage } from '../../src/messaging/sink/sink-store';

interface Batch {
  rawBody: string;
  headers: IncomingHttpHeaders;
  events: Record<string, unknown>[];
}

/** A webhook receiver that keeps the raw body, as a verifier must, and refuses chosen message keys once. */
const receiver = { batches: [] as Batch[], refuseOnce: new Set<string>(), server: undefined as Server | undefined };
let sink: RunningSink;

const send = (body: unknown, auth: string | null = 'Bearer SG.test'): Promise<Response> =>
  fetch(`${sink.url}/v3/mail/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth === null ? {} : { authorization: auth }) },
    body: JSON.stringify(body),
  });

const mail = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  from: { email: 'hello@kairos.local' },
  subject: 'Welcome',
  personalizations: [{ to: [{ email: 'ada@example.com' }] }],
  content: [{ type: 'text/html', value: '<p>Hi</p>' }],
  custom_args: { message_key: 'k-1', journey: 'onboarding' },
  ...overrides,
});

const postJson = (path: string, body: unknown): Promise<Response> =>
  fetch(`${sink.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** Batches about one message; earlier tests' delivered batches may still be arriving. */
async function waitForBatches(sgMessageId: string, count: number): Promise<Batch[]> {
  const mine = (): Batch[] => receiver.batches.filter((b) => b.events[0]?.sg_message_id === sgMessageId);
  for (let waited = 0; mine().length < count; waited += 10) {
    if (waited > 5_000) throw new Error(`expected ${count} webhook batches, got ${mine().length}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return mine();
}

function verify(publicKey: string, batch: Pick<Batch, 'rawBody' | 'headers'>): boolean {
  const webhook = new EventWebhook();
  return webhook.verifySignature(
    webhook.convertPublicKeyToECDSA(publicKey),
    batch.rawBody,
    String(batch.headers['x-twilio-email-event-webhook-signature']),
    String(batch.headers['x-twilio-email-event-webhook-timestamp']),
  );
}

async function sendOne(body = mail()): Promise<SinkMessage> {
  expect((await send(body)).status).toBe(202);
  const [message] = sink.store.list();
  if (!message) throw new Error('message not stored');
  return message;
}

beforeAll(async () => {
  receiver.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const events = JSON.parse(rawBody) as Record<string, unknown>[];
      receiver.batches.push({ rawBody, headers: req.headers, events });
      const key = String(events[0]?.message_key);
      res.statusCode = receiver.refuseOnce.delete(key) ? 500 : 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.server?.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.server.address() as AddressInfo;
  sink = await startSink({
    webhookUrl: `http://127.0.0.1:${port}/sendgrid/events`,
    deliveredDelayMs: 5,
    webhookBackoffMs: 10,
    webhookAttempts: 3,
  });
});
beforeEach(async () => {
  await fetch(`${sink.url}/_sink/faults`, { method: 'DELETE' });
  expect((await fetch(`${sink.url}/inbox`, { method: 'DELETE' })).status).toBe(204);
  receiver.batches.length = 0;
});
afterAll(async () => {
  await sink.close();
  await new Promise((resolve) => receiver.server?.close(resolve));
});

describe('POST /v3/mail/send', () => {
  test.each([null, 'Bearer ', 'Basic abc'])(
    'answers 401 with a SendGrid error body for authorization %p',
    async (auth) => {
      const res = await send(mail(), auth);
      expect(res.status).toBe(401);
      const body = (await res.json()) as { errors: { message: string; field: unknown; help: unknown }[] };
      expect(body.errors[0]).toEqual({
        message: expect.stringContaining('authorization') as unknown,
        field: null,
        help: null,
      });
      expect(sink.store.list()).toHaveLength(0);
    },
  );

  test('answers 400 naming from.email for an invalid sender and stores nothing', async () => {
    const res = await send(mail({ from: { email: 'nope' } }));
    expect(res.status).toBe(400);
    const { errors } = (await res.json()) as { errors: { field: string }[] };
    expect(errors.map((e) => e.field)).toEqual(['from.email']);
    expect(sink.store.list()).toHaveLength(0);
  });

  test('answers 400 naming the nested field for a bad recipient and for empty content', async () => {
    const res = await send(
      mail({ personalizations: [{ to: [{ email: 'x' }] }], content: [{ type: 'text/html', value: '' }] }),
    );
    const { errors } = (await res.json()) as { errors: { field: string }[] };
    expect(res.status).toBe(400);
    expect(errors.map((e) => e.field).sort()).toEqual(['content.0.value', 'personalizations.0.to.0.email']);
  });

  test('requires a subject unless every personalization has one', async () => {
    const missing = await send(mail({ subject: undefined }));
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe('subject');

    const perPersonalization = await send(
      mail({ subject: undefined, personalizations: [{ to: [{ email: 'ada@example.com' }], subject: 'Hi Ada' }] }),
    );
    expect(perPersonalization.status).toBe(202);
    expect(sink.store.list()[0]?.subject).toBe('Hi Ada');
  });

  test('answers 202 with x-message-id and stores the message', async () => {
    const res = await send(mail({ headers: { 'X-Kairos': '1' } }));
    expect(res.status).toBe(202);
    const messageId = res.headers.get('x-message-id');
    expect(messageId).toBeTruthy();
    expect(sink.store.list()).toEqual([
      expect.objectContaining({
        messageId,
        to: ['ada@example.com'],
        html: '<p>Hi</p>',
        text: null,
        headers: { 'X-Kairos': '1' },
        customArgs: { message_key: 'k-1', journey: 'onboarding' },
      }),
    ]);
  });
});

describe('inbox', () => {
  test('lists newest first, filters by recipient, reads one, 404s an unknown id', async () => {
    await send(mail({ subject: 'first' }));
    await send(mail({ subject: 'second', personalizations: [{ to: [{ email: 'bob@example.com' }] }] }));

    const all = (await (await fetch(`${sink.url}/inbox`)).json()) as SinkMessage[];
    expect(all.map((m) => m.subject)).toEqual(['second', 'first']);
    const bobs = (await (await fetch(`${sink.url}/inbox?to=BOB@example.com`)).json()) as SinkMessage[];
    expect(bobs.map((m) => m.subject)).toEqual(['second']);

    const one = await fetch(`${sink.url}/inbox/${encodeURIComponent(all[1]?.id ?? '')}`);
    expect(((await one.json()) as SinkMessage).subject).toBe('first');
    expect((await fetch(`${sink.url}/inbox/missing`)).status).toBe(404);
  });

  test('the HTML page escapes subjects and bodies', async () => {
    await send(
      mail({
        subject: '<script>alert(1)</script>',
        content: [{ type: 'text/html', value: '<b onclick="x()">hi</b>' }],
      }),
    );
    const res = await fetch(`${sink.url}/`);
    expect(res.headers.get('content-type')).toContain('text/html');
    const page = await res.text();
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>');
    expect(page).toContain('srcdoc="&lt;b onclick=&quot;x()&quot;&gt;hi&lt;/b&gt;"');
  });
});

describe('faults', () => {
  test('a count fault fails exactly the next n sends with its status and stores none of them', async () => {
    expect((await postJson('/_sink/faults', { status: 503, count: 2 })).status).toBe(200);
    expect((await send(mail())).status).toBe(503);
    expect((await send(mail())).status).toBe(503);
    expect((await send(mail())).status).toBe(202);
    expect(sink.store.list()).toHaveLength(1);
  });

  test('a 429 fault answers Retry-After until cleared', async () => {
    await postJson('/_sink/faults', { status: 429, durationMs: 3_000 });
    const limited = await send(mail());
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(3);
    expect((await fetch(`${sink.url}/_sink/faults`, { method: 'DELETE' })).status).toBe(204);
    expect((await send(mail())).status).toBe(202);
  });

  test('a delay fault holds sends for delayMs and then accepts them', async () => {
    await postJson('/_sink/faults', { delayMs: 300, count: 1 });
    const started = Date.now();
    expect((await send(mail())).status).toBe(202);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const next = Date.now();
    await send(mail());
    expect(Date.now() - next).toBeLessThan(290);
    expect(sink.store.list()).toHaveLength(2);
  });

  test('a fault with neither status nor delayMs is refused with 400', async () => {
    expect((await postJson('/_sink/faults', { count: 1 })).status).toBe(400);
    expect((await send(mail())).status).toBe(202);
  });
});

describe('event webhook', () => {
  test('posts a delivered batch that @sendgrid/eventwebhook verifies, and rejects a tampered body', async () => {
    const message = await sendOne();
    const [batch] = await waitForBatches(message.id, 1);
    if (!batch) throw new Error('no batch');

    const served = (await (await fetch(`${sink.url}/_sink/webhook-public-key`)).json()) as { publicKey: string };
    expect(served.publicKey).toBe(sink.publicKey);
    expect(batch.rawBody.endsWith('\r\n')).toBe(true);
    expect(batch.events).toEqual([
      expect.objectContaining({
        event: 'delivered',
        email: 'ada@example.com',
        sg_message_id: message.id,
        message_key: 'k-1',
        journey: 'onboarding',
        timestamp: expect.any(Number) as unknown,
        sg_event_id: expect.any(String) as unknown,
      }),
    ]);
    expect(verify(sink.publicKey, batch)).toBe(true);
    expect(verify(sink.publicKey, { ...batch, rawBody: batch.rawBody.replace('delivered', 'bounce') })).toBe(false);
  });

  test('open and click post signed events on demand, each with its own sg_event_id', async () => {
    const message = await sendOne();
    await waitForBatches(message.id, 1);
    const id = encodeURIComponent(message.id);

    expect((await postJson(`/inbox/${id}/open`, {})).status).toBe(200);
    expect((await postJson(`/inbox/${id}/click`, { url: 'https://kairos.local/welcome' })).status).toBe(200);
    expect((await postJson(`/inbox/${id}/click`, {})).status).toBe(400);

    const [delivered, open, click] = await waitForBatches(message.id, 3);
    expect(open?.events[0]).toMatchObject({ event: 'open', message_key: 'k-1', sg_message_id: message.id });
    expect(click?.events[0]).toMatchObject({ event: 'click', url: 'https://kairos.local/welcome' });
    expect(open && verify(sink.publicKey, open)).toBe(true);
    expect(click && verify(sink.publicKey, click)).toBe(true);
    const eventIds = [delivered, open, click].map((b) => b?.events[0]?.sg_event_id);
    expect(new Set(eventIds).size).toBe(3);
  });

  test('retries a batch the receiver refused and re-sends the same events', async () => {
    receiver.refuseOnce.add('retry-me');
    const message = await sendOne(mail({ custom_args: { message_key: 'retry-me' } }));
    const [refused, accepted] = await waitForBatches(message.id, 2);
    expect(accepted?.rawBody).toBe(refused?.rawBody);
    expect(accepted && verify(sink.publicKey, accepted)).toBe(true);
  });
});

test('startSink signs with a supplied P-256 key and reports its public key', async () => {
  const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const expected = createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'der' }).toString('base64');
  const other = await startSink({ signingKey: pem });
  try {
    expect(other.publicKey).toBe(expected);
    expect(other.publicKey).not.toBe(sink.publicKey);
  } finally {
    await other.close();
  }
});
