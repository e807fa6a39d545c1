// A test world whose SendGrid sink closes the loop: the API listens on a free port, and the sink
// posts signed Event Webhook batches to it. world.ts's sink has no webhook, so this composes the
// same parts in the other order: key first, then the API, then the sink that signs with the key.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { composeApi } from '../../src/apps/api';
import { testApiConfig } from '../helpers/config';
import { createSendGridSender } from '../../src/messaging/sendgrid-sender';
import { startSink } from '../../src/messaging/sink/start-sink';
import { createWebhookSigner, type WebhookSigner } from '../../src/messaging/sink/webhook-signer';
import { SENDGRID_WEBHOOK_PATH } from '../../src/contracts/routes/public';
import { createTestDatabase } from '../helpers/database';
import { startTimeSkippingServer } from '../helpers/temporal';
import { createTestWorker } from '../helpers/worker';
import type { World } from '../helpers/world';

export interface WebhookWorld extends World {
  /** Signs as the sink does, with the key the API trusts. */
  signer: WebhookSigner;
  webhookUrl: string;
}

export interface ListeningApp {
  url: string;
  close(): Promise<void>;
}

export async function listenOnFreePort(app: Express): Promise<ListeningApp> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

export async function startWebhookWorld(): Promise<WebhookWorld> {
  const database = await createTestDatabase();
  const signingKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  const signer = createWebhookSigner(signingKey);
  const env = await startTimeSkippingServer();
  const api = await composeApi(testApiConfig(), {
    db: database.db,
    client: env.client,
    webhookPublicKey: signer.publicKey,
    checkResponses: true,
  });
  const http = await listenOnFreePort(api.app);
  const webhookUrl = `${http.url}${SENDGRID_WEBHOOK_PATH}`;
  const sink = await startSink({ port: 0, signingKey, webhookUrl, webhookBackoffMs: 100 });
  const email = createSendGridSender({ apiKey: 'SG.test-key', baseUrl: sink.url });
  const worker = await createTestWorker(env, { db: database.db, email });
  const running = worker.run();
  return {
    database,
    sink,
    env,
    worker,
    api,
    signer,
    webhookUrl,
    async stop() {
      await sink.close();
      await http.close();
      worker.shutdown();
      await running;
      await env.teardown();
      await database.drop();
    },
  };
}

/** One SendGrid event as the Event Webhook carries it (custom args flattened in). */
export function sgEvent(
  event: string,
  fields: Record<string, string | number> & { email: string },
): Record<string, string | number> {
  return {
    timestamp: Math.floor(Date.now() / 1000),
    event,
    sg_event_id: randomBytes(16).toString('base64url'),
    sg_message_id: `${randomBytes(8).toString('hex')}.filter0001.1.0`,
    ...fields,
  };
}

export interface SignedPost {
  rawBody: string;
  headers: Record<string, string>;
}

/** A batch signed like SendGrid's: the body ends with CRLF, the signature covers timestamp + body. */
export function signBatch(
  signer: WebhookSigner,
  events: unknown[],
  timestamp = Math.floor(Date.now() / 1000),
): SignedPost {
  const rawBody = `${JSON.stringify(events)}\r\n`;
  const ts = String(timestamp);
  return {
    rawBody,
    headers: {
      'content-type': 'application/json',
      'x-twilio-email-event-webhook-signature': signer.sign(ts, rawBody),
      'x-twilio-email-event-webhook-timestamp': ts,
    },
  };
}

export async function postWebhook(
  url: string,
  post: SignedPost,
): Promise<{ status: number; contentType: string; body: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: post.headers, body: post.rawBody });
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    body: (await res.json()) as Record<string, unknown>,
  };
}
