// Starts the local SendGrid-compatible sink on a port and hands back its address, key and inbox.
import type { AddressInfo } from 'node:net';
import type { KeyObject } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { createEventWebhookPoster } from './event-webhook-poster';
import { createSinkApp } from './sink-app';
import { createSinkFaults } from './sink-faults';
import { createSinkStore, type SinkStore } from './sink-store';
import { createWebhookSigner } from './webhook-signer';

export interface SinkOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Where signed Event Webhook batches go; without it no events are sent. */
  webhookUrl?: string;
  /** P-256 private key (KeyObject or PKCS#8 PEM) to sign with; generated when omitted. */
  signingKey?: KeyObject | string;
  /** Delay before each `delivered` batch; default 50 ms. */
  deliveredDelayMs?: number;
  /** Webhook tries per batch (default 5) and the first backoff, doubling (default 250 ms). */
  webhookAttempts?: number;
  webhookBackoffMs?: number;
  logger?: Logger;
}

export interface RunningSink {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  /** Base64 SPKI DER public key that verifies the sink's webhook signatures. */
  publicKey: string;
  store: SinkStore;
  close(): Promise<void>;
}

export async function startSink(options: SinkOptions = {}): Promise<RunningSink> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? pino({ level: 'silent' });
  const store = createSinkStore();
  const signer = createWebhookSigner(options.signingKey);
  const closing = new AbortController();
  const poster = options.webhookUrl
    ? createEventWebhookPoster({
        webhookUrl: options.webhookUrl,
        signer,
        logger,
        attempts: options.webhookAttempts,
        backoffMs: options.webhookBackoffMs,
      })
    : undefined;
  const app = createSinkApp({
    store,
    faults: createSinkFaults(),
    publicKey: signer.publicKey,
    poster,
    deliveredDelayMs: options.deliveredDelayMs ?? 50,
    logger,
    signal: closing.signal,
  });

  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const listening = app.listen(options.port ?? 0, host, (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url, webhookUrl: options.webhookUrl }, 'sink listening');

  return {
    url,
    port,
    publicKey: signer.publicKey,
    store,
    async close() {
      closing.abort();
      const closed = new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
      // Keep-alive sockets (axios, fetch) would otherwise hold close() open until they time out.
      server.closeAllConnections();
      await Promise.all([closed, poster?.close()]);
    },
  };
}
