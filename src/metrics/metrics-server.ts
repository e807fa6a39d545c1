// The worker's /metrics: its own registry, followed by the Temporal SDK's metrics fetched from the
// Runtime's Prometheus exporter, so Prometheus scrapes one endpoint per worker.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(options: {
  registry: Registry;
  port: number;
  host: string;
  /** The Runtime's exporter (`http://host:port/metrics`), when the SDK's metrics are on. */
  sdkMetricsUrl?: string;
}): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    void metricsText(options).then(
      (text) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${String(err)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}/metrics`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function metricsText(options: { registry: Registry; sdkMetricsUrl?: string }): Promise<string> {
  const own = await options.registry.metrics();
  if (!options.sdkMetricsUrl) return own;
  const sdk = await fetch(options.sdkMetricsUrl, { signal: AbortSignal.timeout(2_000) });
  if (!sdk.ok) throw new Error(`the SDK's exporter answered ${sdk.status}`);
  return `${own}\n${await sdk.text()}`;
}
