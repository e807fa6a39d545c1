// What `npm run cluster` takes and tells: the ports it checks before it starts anything, and the
// table of what runs where once it is up, with the ways to break it on purpose.
import type { KairosProcess } from './cluster-process';
import type { DevConfig } from './dev-config';
import type { DevPort } from './ports';

/**
 * The APIs' ports, the workers' metrics ports, the sink's, and the frontend of its own
 * temporal-server (its other ports are chosen free).
 */
export function clusterPorts(
  config: DevConfig,
  apiPorts: number[],
  workerMetricsPorts: { metrics: number; sdk: number }[],
): DevPort[] {
  const host = config.api.api.host;
  const ports: DevPort[] = [
    ...apiPorts.map((port, i) => ({ host, port, what: `Kairos API ${i + 1}`, variable: 'KAIROS_API_PORT' })),
    ...workerMetricsPorts.flatMap(({ metrics, sdk }, i) => [
      { host: '127.0.0.1', port: metrics, what: `worker ${i + 1}'s /metrics`, variable: 'KAIROS_METRICS_PORT' },
      { host: '127.0.0.1', port: sdk, what: `worker ${i + 1}'s SDK metrics`, variable: 'KAIROS_SDK_METRICS_PORT' },
    ]),
    { host: '127.0.0.1', port: config.dev.sinkPort, what: 'the local SendGrid sink', variable: 'KAIROS_SINK_PORT' },
  ];
  if (config.dev.ownTemporal)
    ports.push({
      host: '127.0.0.1',
      port: Number(config.api.temporal.address.split(':')[1] ?? 7233),
      what: 'the temporal-server frontend',
      variable: 'TEMPORAL_ADDRESS',
    });
  return ports;
}

export function clusterSummary(o: {
  apis: { process: KairosProcess; url: string }[];
  workers: { process: KairosProcess; metricsUrl: string }[];
  temporal: { address: string; namespace: string; taskQueue: string; logFile?: string };
  postgresUrl: string;
}): string {
  const row = (name: string, what: string) => `  ${name.padEnd(16)}${what}`;
  const postgres = new URL(o.postgresUrl);
  postgres.password = postgres.password ? '***' : '';
  const { address, namespace, taskQueue, logFile } = o.temporal;
  const first = o.workers[0]?.process;
  return [
    'The cluster (each process prints its log lines under its name):',
    ...o.apis.map(({ process, url }) => row(process.name, `${url}   pid ${process.pid}, metrics ${url}/metrics`)),
    ...o.workers.map(({ process, metricsUrl }) =>
      row(process.name, `pid ${process.pid}, polling ${taskQueue}, metrics ${metricsUrl}`),
    ),
    row('temporal-server', `${address}, namespace ${namespace}${logFile ? `, log ${logFile}` : ' (yours)'}`),
    row('PostgreSQL', postgres.toString()),
    '',
    'Either API takes any request. To watch the other worker carry on, stop one:',
    `  kill -TERM ${first?.pid}   (a deploy: it drains)      kill -9 ${first?.pid}   (a crash)`,
    'Ctrl-C stops it all: the APIs, then the workers (they drain), the server, PostgreSQL.',
    '',
  ].join('\n');
}
