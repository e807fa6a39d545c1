// A real Temporal server (`temporal-server`, not the CLI's one-process SQLite dev server) on
// PostgreSQL, for the tests and the development cluster: what production runs, on this machine.
// Given a PostgreSQL server (the embedded one, or DATABASE_URL's), it creates the store's two
// databases with temporal-sql-tool's embedded schemas (upgrading them when the pinned server is
// newer), writes a minimal config (postgres12 persistence, SQL visibility, the four services on
// loopback ports chosen free, kept across restarts), runs the server as a child process logging
// to a file, registers the namespace (the server creates none by itself) and Kairos' search
// attributes, and waits until they are in use. It lives in src/dev: production deploys its own Temporal cluster.
// The binaries come from scripts/provision-temporal-server.sh (built with Go, into .tools/).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Connection, isGrpcServiceError } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { Client } from 'pg';
import { CUSTOMER_ID_KEY, INTERPRETER_VERSION_KEY, PROGRAMS_KEY } from '../../workflows/search-attributes';

const run = promisify(execFile);
const toolsBin = resolve(__dirname, '../../.tools/bin');

export const MISSING_SERVER_HINT =
  'Run `bash scripts/provision-temporal-server.sh` (builds it with Go, minutes the first time), ' +
  'or set TEMPORAL_SERVER_PATH and TEMPORAL_SQL_TOOL_PATH to the binaries.';

/** temporal-server and temporal-sql-tool: the environment's paths, else the provisioned ones in .tools/bin. */
export function temporalServerBinaries(env: NodeJS.ProcessEnv = process.env): { server: string; sqlTool: string } {
  const server = env.TEMPORAL_SERVER_PATH || join(toolsBin, 'temporal-server');
  const sqlTool = env.TEMPORAL_SQL_TOOL_PATH || join(toolsBin, 'temporal-sql-tool');
  for (const path of [server, sqlTool]) {
    try {
      accessSync(path, constants.X_OK);
    } catch {
      throw new Error(`No Temporal server binary at ${path}. ${MISSING_SERVER_HINT}`);
    }
  }
  return { server, sqlTool };
}

export interface TemporalServerOptions {
  /** A PostgreSQL URL whose role may create databases; its host, port, user and password are used. */
  postgresUrl: string;
  /** Where the config, the dynamic config and the log (`temporal-server.log`) go. */
  workDir: string;
  /** The store's databases: `temporal` and `temporal_visibility` unless given (parallel tests use their own). */
  databases?: { main: string; visibility: string };
  namespace?: string;
  /** The frontend's gRPC port (clients dial it; below 32768); chosen free if not given, as the others are. */
  port?: number;
  /** History shards: fixed for the life of the store. Default 4. */
  historyShards?: number;
  /** The server's log level: debug, info, warn, error. Default info. */
  logLevel?: string;
  /** How long stop() waits after SIGTERM before SIGKILL. Default 15 s. */
  stopTimeoutMs?: number;
}

export interface TemporalServer {
  /** host:port of the frontend, for TEMPORAL_ADDRESS. */
  address: string;
  namespace: string;
  logFile: string;
  databases: { main: string; visibility: string };
  /** SIGTERM, then SIGKILL after the bound; nothing if it is not running. */
  stop(): Promise<void>;
  /** Starts it again after stop(), on the same ports and store (restart drills). */
  start(): Promise<void>;
}

const RETENTION = '1 day';
const READY_TIMEOUT_MS = 90_000;
// gRPC status codes
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;

/** Kairos' search attributes and their types, as the operator service takes them. */
function kairosSearchAttributes(): Record<string, temporal.api.enums.v1.IndexedValueType> {
  const { IndexedValueType } = temporal.api.enums.v1;
  const types = {
    KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  };
  return Object.fromEntries(
    [CUSTOMER_ID_KEY, PROGRAMS_KEY, INTERPRETER_VERSION_KEY].map((key) => [key.name, types[key.type]]),
  );
}

export async function startTemporalServer(options: TemporalServerOptions): Promise<TemporalServer> {
  const bin = temporalServerBinaries();
  const databases = options.databases ?? { main: 'temporal', visibility: 'temporal_visibility' };
  const namespace = options.namespace ?? 'default';
  const postgres = new URL(options.postgresUrl);
  const sql = {
    host: postgres.hostname,
    port: Number(postgres.port || 5432),
    user: decodeURIComponent(postgres.username),
    password: decodeURIComponent(postgres.password),
  };
  const workDir = resolve(options.workDir);
  mkdirSync(workDir, { recursive: true });
  await createStore(options.postgresUrl, databases, (args) =>
    run(bin.sqlTool, args, {
      env: {
        ...process.env,
        SQL_PLUGIN: 'postgres12',
        SQL_HOST: sql.host,
        SQL_PORT: String(sql.port),
        SQL_USER: sql.user,
        SQL_PASSWORD: sql.password,
      },
    }).then(() => undefined),
  );

  // The same ports as the last start in this folder when they are free: the membership table
  // names hosts by address, and a server that comes back elsewhere within 20 s of stopping waits
  // for its old self to join the ring (matching answered "Not enough hosts" for 15 s and more).
  const portsFile = join(workDir, 'ports.json');
  const ports = await choosePorts(options.port, readJson<Partial<Ports>>(portsFile));
  writeFileSync(portsFile, `${JSON.stringify(ports)}\n`);
  const configFile = join(workDir, 'config.yaml');
  const logFile = join(workDir, 'temporal-server.log');
  writeFileSync(join(workDir, 'dynamicconfig.yaml'), toYaml(dynamicConfig()));
  writeFileSync(
    configFile,
    toYaml(
      serverConfig({
        sql,
        databases,
        ports,
        historyShards: options.historyShards ?? 4,
        logLevel: options.logLevel ?? 'info',
        dynamicConfigFile: join(workDir, 'dynamicconfig.yaml'),
      }),
    ),
  );
  const address = `127.0.0.1:${ports.frontend}`;

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let guardian: ChildProcess | undefined;
  const killOnExit = () => child?.kill('SIGKILL');

  const stop = async () => {
    const running = child;
    if (!running) return;
    guardian?.kill();
    process.removeListener('exit', killOnExit);
    if (running.exitCode === null && running.signalCode === null) {
      running.kill('SIGTERM');
      const timer = setTimeout(() => running.kill('SIGKILL'), options.stopTimeoutMs ?? 15_000);
      await exited;
      clearTimeout(timer);
    }
    child = undefined;
  };

  const start = async () => {
    if (child) return;
    const log = openSync(logFile, 'a');
    try {
      // Its own process group: a Ctrl-C in the terminal reaches the Kairos processes, which stop it
      // last, once the workers have let go of it.
      child = spawn(bin.server, ['--config-file', configFile, '--allow-no-auth', 'start'], {
        stdio: ['ignore', log, log],
        detached: true,
      });
    } finally {
      closeSync(log);
    }
    const started = child;
    exited = new Promise((r) => started.once('exit', () => r()));
    process.once('exit', killOnExit);
    guardian = guard(started.pid);
    try {
      await waitUntilReady(address, namespace, started, logFile);
    } catch (err) {
      await stop();
      throw err;
    }
  };

  await start();
  return { address, namespace, logFile, databases, stop, start };
}

/**
 * The store's databases, created when missing, with the schema tool's embedded schemas: the
 * versioning tables once, then every versioned update the pinned server has (none when current).
 */
async function createStore(
  url: string,
  databases: { main: string; visibility: string },
  sqlTool: (args: string[]) => Promise<void>,
): Promise<void> {
  const stores: [db: string, schema: string][] = [
    [databases.main, 'postgresql/v12/temporal'],
    [databases.visibility, 'postgresql/v12/visibility'],
  ];
  for (const [db, schema] of stores) {
    if (!/^[a-z_][a-z0-9_]*$/.test(db)) throw new Error(`not a plain database name: ${db}`);
    const exists = await query(url, 'postgres', 'SELECT 1 FROM pg_database WHERE datname = $1', [db]);
    if (exists.length === 0) await query(url, 'postgres', `CREATE DATABASE ${db}`);
    const versioned = await query(url, db, "SELECT to_regclass('schema_version') AS t");
    try {
      if (!versioned[0]?.t) await sqlTool(['--db', db, 'setup-schema', '-v', '0.0']);
      await sqlTool(['--db', db, 'update-schema', '--schema-name', schema]);
    } catch (err) {
      const detail = (err as { stderr?: string }).stderr?.trim().split('\n').slice(-5).join('\n') ?? String(err);
      throw new Error(`temporal-sql-tool could not set up ${db}:\n${detail}`);
    }
  }
}

async function query(url: string, database: string, sql: string, params: unknown[] = []) {
  const target = new URL(url);
  target.pathname = `/${database}`;
  const client = new Client({ connectionString: target.toString() });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

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

interface ConfigInput {
  sql: { host: string; port: number; user: string; password: string };
  databases: { main: string; visibility: string };
  ports: Ports;
  historyShards: number;
  logLevel: string;
  dynamicConfigFile: string;
}

/**
 * Upstream's config/development-postgres12.yaml, less archival, metrics and pprof (none is
 * needed yet; metrics come with the cluster's observability).
 */
function serverConfig(c: ConfigInput) {
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

/** What the CLI's dev server turns on that Kairos uses: Worker Versioning (deployments) and updates. */
function dynamicConfig() {
  const on = [{ value: true }];
  return {
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

/** Kills the server once this process is gone without stopping it (SIGKILL, a crashed test). */
function guard(pid: number | undefined): ChildProcess | undefined {
  if (!pid || process.platform === 'win32') return undefined;
  const guardian = spawn(
    'sh',
    ['-c', `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${pid} 2>/dev/null; do sleep 1; done; kill ${pid}`],
    { detached: true, stdio: 'ignore' },
  );
  guardian.unref();
  return guardian;
}

/**
 * Until the frontend answers, the namespace exists, every Kairos search attribute is listed for it
 * and usable in a visibility query (the namespace cache refreshes every few seconds), and history
 * and matching answer (each has joined the membership ring).
 */
async function waitUntilReady(address: string, namespace: string, child: ChildProcess, logFile: string) {
  const wanted = kairosSearchAttributes();
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let connection: Connection | undefined;
  let last: unknown;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`temporal-server exited (${child.exitCode ?? child.signalCode}); ${logTail(logFile)}`);
      try {
        connection ??= await Connection.connect({ address, connectTimeout: 1_000 });
        await ensureNamespace(connection, namespace);
        const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
        const missing = Object.entries(wanted).filter(([name]) => !customAttributes?.[name]);
        if (missing.length > 0) {
          await connection.operatorService.addSearchAttributes({
            namespace,
            searchAttributes: Object.fromEntries(missing),
          });
          throw new Error(`search attributes ${missing.map(([n]) => n).join(', ')} not listed yet`);
        }
        const names = Object.keys(wanted);
        await connection.workflowService.countWorkflowExecutions({
          namespace,
          query: names.map((n) => `${n} = 'ready'`).join(' OR '),
        });
        await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: 'kairos-ready' } });
        await connection.workflowService
          .describeWorkflowExecution({ namespace, execution: { workflowId: 'kairos-ready' } })
          .catch((err: unknown) => {
            if (!(isGrpcServiceError(err) && err.code === NOT_FOUND)) throw err;
          });
        return;
      } catch (err) {
        last = err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } finally {
    await connection?.close();
  }
  const why = last instanceof Error ? last.message : String(last);
  throw new Error(
    `temporal-server at ${address} was not ready within ${READY_TIMEOUT_MS / 1000} s (${why}); ${logTail(logFile)}`,
  );
}

async function ensureNamespace(connection: Connection, namespace: string): Promise<void> {
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs(RETENTION),
    });
  } catch (err) {
    if (!(isGrpcServiceError(err) && err.code === ALREADY_EXISTS)) throw err;
  }
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** The log's last lines, each JSON line as `level: msg (error)` without its stack trace. */
function logTail(logFile: string): string {
  let lines: string[] = [];
  try {
    lines = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5);
  } catch {
    // no log yet
  }
  const brief = lines.map((line) => {
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string; error?: string };
      return `${entry.level}: ${entry.msg}${entry.error ? ` (${entry.error})` : ''}`;
    } catch {
      return line;
    }
  });
  return `its log (${logFile}) ends:\n${brief.join('\n')}`;
}
