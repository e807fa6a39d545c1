// `npm start` binds several ports (API, sink, Temporal, its UI). A second start would fail on
// whichever came first with a bare "address already in use"; checking them all up front names
// the port, what wanted it, and the likely cause.
import { createServer } from 'node:net';
import type { DevConfig } from './dev-config';

export interface DevPort {
  host: string;
  port: number;
  /** What listens there, e.g. "the Kairos API". */
  what: string;
  /** The variable that moves it, e.g. KAIROS_API_PORT. */
  variable: string;
}

export async function ensurePortsFree(ports: readonly DevPort[]): Promise<void> {
  for (const p of ports) {
    const problem = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      const probe = createServer();
      probe.once('error', (err: NodeJS.ErrnoException) => resolve(err));
      probe.listen({ host: p.host, port: p.port, exclusive: true }, () => probe.close(() => resolve(undefined)));
    });
    if (problem?.code === 'EADDRINUSE') {
      throw new Error(
        `Port ${p.port} on ${p.host} (${p.what}) is already in use: ` +
          `Kairos may already be running (another npm start?). ` +
          `Stop it, or set ${p.variable} to a free port.`,
      );
    }
    if (problem) throw new Error(`Cannot listen on ${p.host}:${p.port} (${p.what}, ${p.variable}): ${problem.message}`);
  }
}

/**
 * The ports `npm start` takes: the API and the sink, and the Temporal dev server and its UI unless TEMPORAL_ADDRESS
 * names a server.
 */
export function devPorts(config: Pick<DevConfig, 'api' | 'dev'>): DevPort[] {
  const { api } = config.api;
  const ports: DevPort[] = [
    { host: api.host, port: api.port, what: 'the Kairos API', variable: 'KAIROS_API_PORT' },
    { host: '127.0.0.1', port: config.dev.sinkPort, what: 'the local SendGrid sink', variable: 'KAIROS_SINK_PORT' },
  ];
  if (config.dev.ownTemporal) {
    ports.push(
      {
        host: '127.0.0.1',
        port: Number(config.api.temporal.address.split(':')[1] ?? 7233),
        what: 'the Temporal dev server',
        variable: 'TEMPORAL_ADDRESS',
      },
      {
        host: '127.0.0.1',
        port: config.dev.temporalUiPort,
        what: 'the Temporal Web UI',
        variable: 'KAIROS_TEMPORAL_UI_PORT',
      },
    );
  }
  return ports;
}
