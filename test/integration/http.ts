// The API over real HTTP for integration tests: the express app on an ephemeral port, and a
// small fetch wrapper that sends the admin key unless told otherwise.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Express } from 'express';
import { TEST_ADMIN_KEY } from '../helpers/world';

export interface HttpResponse {
  status: number;
  contentType: string;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface RequestOptions {
  /**
   * A raw body sent as is (for malformed or oversized payloads, or bytes that are not UTF-8); `json` is ignored
   * then.
   */
  raw?: string | Uint8Array;
  json?: unknown;
  /** Authorization header: the admin key by default, `null` to send none. */
  auth?: string | null;
}

export interface ApiServer {
  url: string;
  request(method: string, path: string, options?: RequestOptions): Promise<HttpResponse>;
  close(): Promise<void>;
}

export async function listen(app: Express): Promise<ApiServer> {
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    async request(method, path, options = {}) {
      const auth = options.auth === undefined ? `Bearer ${TEST_ADMIN_KEY}` : options.auth;
      const body = options.raw ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
      const headers: Record<string, string> = {};
      if (auth !== null) headers.authorization = auth;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${url}${path}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, body: parsed };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** Asserts an RFC 9457 problem document with the given status. */
export function expectProblem(res: HttpResponse, status: number): void {
  expect(res.status).toBe(status);
  expect(res.contentType).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, title: expect.any(String) });
}
