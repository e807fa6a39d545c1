// The real Temporal server's config (src/dev/temporal-server.ts), written into its work folder:
// postgres12 persistence with SQL visibility, the four services on loopback ports chosen free and
// kept across restarts, and the dynamic config that turns on what Kairos uses.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { SqlServer, StoreDatabases } from './temporal-server-store';

const MIN_PORT = 10_000;
const MAX_PORT = 32_767;
const PORT_NAMES = [
  'frontend',
  'http',
  'frontendRing',
  'history',
  'historyRing',
  'matching',
  'matchingRing',
  'worker',
  'workerRing',
] as const;
/** Each service's gRPC port and its membership (ring) port, and the frontend's HTTP port. */
type Ports = Record<(typeof PORT_NAMES)[number], number>;

export interface ServerConfigInput {
  sql: SqlServer;
  databases: StoreDatabases;
  /** The frontend's gRPC port if the caller chose it; the others are always chosen here. */
  frontendPort?: number;
  historyShards: number;
  logLevel: string;
  /** Dynamic config values beside Kairos's own (tests shorten the server's intervals). */
  dynamicConfig?: Record<string, unknown>;
}

/**
 * Writes `ports.json`, `dynamicconfig.yaml` and `config.yaml` into `workDir` (which exists) and
 * returns the config file's path and the frontend's port.
 */
export async function writeServerConfig(
  workDir: string,
  input: ServerConfigInput,
): Promise<{ configFile: string; frontendPort: number }> {
  // The same ports as the last start in this folder when they are free: the membership table
  // names hosts by address, and a server that comes back elsewhere within 20 s of stopping waits
  // for its old self to join the ring (matching answered "Not enough hosts" for 15 s and more).
  const portsFile = join(workDir, 'ports.json');
  const ports = await choosePorts(input.frontendPort, readJson<Partial<Ports>>(portsFile));
  writeFileSync(portsFile, `${JSON.stringify(ports)}\n`);
  const configFile = join(workDir, 'config.yaml');
  const dynamicConfigFile = join(workDir, 'dynamicconfig.yaml');
  writeFileSync(dynamicConfigFile, toYaml(dynamicConfig(input.dynamicConfig ?? {})));
  writeFileSync(configFile, toYaml(serverConfig({ ...input, ports, dynamicConfigFile })));
  return { configFile, frontendPort: ports.frontend };
}

/**
 * Loopback ports free now, all held until all are found: `frontend` if given, `previous` ones
 * that are still free, new ones for the rest.
 * Below 32768, and so not the kernel's ephemeral ports (listen(0)): the server stores them in a
 * SMALLINT column (cluster_membership.rpc_port) and exits at start on a larger one.
 */
async function choosePorts(frontend?: number, previous: Partial<Ports> = {}): Promise<Ports> {
  const held: Server[] = [];
  const hold = (port: number) =>
    new Promise<boolean>((r) => {
      const server = createServer();
      server.once('error', () => r(false));
      server.listen({ port, host: '127.0.0.1', exclusive: true }, () => r(held.push(server) > 0));
    });
  try {
    const ports: Partial<Ports> = {};
    for (const name of PORT_NAMES) {
      if (name === 'frontend' && frontend !== undefined) {
        ports[name] = frontend;
        continue;
      }
      const before = previous[name];
      if (before !== undefined && before >= MIN_PORT && before <= MAX_PORT && (await hold(before)))
        ports[name] = before;
      for (let attempt = 0; ports[name] === undefined; attempt++) {
        if (attempt === 100) throw new Error('no free loopback port below 32768 for temporal-server');
        const port = MIN_PORT + Math.floor(Math.random() * (MAX_PORT - MIN_PORT));
        if (await hold(port)) ports[name] = port;
      }
    }
    return ports as Ports;
  } finally {
    await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
  }
}

/**
 * Upstream's config/development-postgres12.yaml, less archival, metrics and pprof (none is
 * needed yet; metrics come with the cluster's observability).
 */
function serverConfig(c: Omit<ServerConfigInput, 'frontendPort'> & { ports: Ports; dynamicConfigFile: string }) {
  const p = c.ports;
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${c.sql.host}:${c.sql.port}`,
      connectProtocol: 'tcp',
      user: c.sql.user,
      password: c.sql.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const service = (grpcPort: number, membershipPort: number, extra: Record<string, number> = {}) => ({
    rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...extra },
  });
  return {
    log: { stdout: true, level: c.logLevel },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: c.historyShards,
      datastores: {
        'postgres-default': store(c.databases.main, 20),
        'postgres-visibility': store(c.databases.visibility, 10),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: {
      frontend: service(p.frontend, p.frontendRing, { httpPort: p.http }),
      history: service(p.history, p.historyRing),
      matching: service(p.matching, p.matchingRing),
      worker: service(p.worker, p.workerRing),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `127.0.0.1:${p.frontend}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: c.dynamicConfigFile, pollInterval: '10s' },
  };
}

/** What the CLI's dev server turns on that Kairos uses (Worker Versioning, updates), and the caller's values. */
function dynamicConfig(extra: Record<string, unknown>) {
  const on = [{ value: true }];
  const values = Object.fromEntries(Object.entries(extra).map(([key, value]) => [key, [{ value }]]));
  return {
    ...values,
    'frontend.enableUpdateWorkflowExecution': on,
    'frontend.workerVersioningDataAPIs': on,
    'frontend.workerVersioningWorkflowAPIs': on,
    'frontend.workerVersioningRuleAPIs': on,
    'system.enableDeployments': on,
    'system.enableDeploymentVersions': on,
  };
}

/** JSON is YAML: the server's config loader (YAML 1.2) reads it as is. */
function toYaml(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The file's JSON, or undefined when it is missing or unreadable (a first start). */
function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
