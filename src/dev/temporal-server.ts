// A real Temporal server (`temporal-server`, not the CLI's one-process SQLite dev server) on
// PostgreSQL, for the tests and the development cluster: what production runs, on this machine.
// Given a PostgreSQL server (the embedded one, or DATABASE_URL's), it creates the store
// (temporal-server-store.ts), writes the config (temporal-server-config.ts), runs the server as a
// child process logging to a file, and waits until the namespace and Kairos' search attributes
// are registered and in use (temporal-server-ready.ts). It lives in src/dev: production deploys
// its own Temporal cluster. The binaries come from scripts/provision-temporal-server.sh (built
// with Go, into .tools/), found by src/temporal/binaries.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { temporalServerBinaries } from '../temporal/binaries';
import { killWhenOrphaned } from './orphan-guard';
import { writeServerConfig } from './temporal-server-config';
import { waitUntilReady } from './temporal-server-ready';
import { createStore, sqlServerOf, type StoreDatabases } from './temporal-server-store';

export interface TemporalServerOptions {
  /** A PostgreSQL URL whose role may create databases; its host, port, user and password are used. */
  postgresUrl: string;
  /** Where the config, the dynamic config and the log (`temporal-server.log`) go. */
  workDir: string;
  /** The store's databases: `temporal` and `temporal_visibility` unless given (parallel tests use their own). */
  databases?: StoreDatabases;
  namespace?: string;
  /** The frontend's gRPC port (clients dial it; below 32768); chosen free if not given, as the others are. */
  port?: number;
  /** History shards: fixed for the life of the store. Default 4. */
  historyShards?: number;
  /** The server's log level: debug, info, warn, error. Default info. */
  logLevel?: string;
  /** Dynamic config values beside Kairos's own, e.g. shorter intervals for tests. */
  dynamicConfig?: Record<string, unknown>;
  /** How long stop() waits after SIGTERM before SIGKILL. Default 15 s. */
  stopTimeoutMs?: number;
}

export interface TemporalServer {
  /** host:port of the frontend, for TEMPORAL_ADDRESS. */
  address: string;
  namespace: string;
  logFile: string;
  databases: StoreDatabases;
  /** SIGTERM, then SIGKILL after the bound; nothing if it is not running. */
  stop(): Promise<void>;
  /** Starts it again after stop(), on the same ports and store (restart drills). */
  start(): Promise<void>;
}

export async function startTemporalServer(options: TemporalServerOptions): Promise<TemporalServer> {
  const bin = temporalServerBinaries();
  const databases = options.databases ?? { main: 'temporal', visibility: 'temporal_visibility' };
  const namespace = options.namespace ?? 'default';
  const sql = sqlServerOf(options.postgresUrl);
  const workDir = resolve(options.workDir);
  mkdirSync(workDir, { recursive: true });
  await createStore(options.postgresUrl, databases, bin.sqlTool);
  const { configFile, frontendPort } = await writeServerConfig(workDir, {
    sql,
    databases,
    frontendPort: options.port,
    historyShards: options.historyShards ?? 4,
    logLevel: options.logLevel ?? 'info',
    dynamicConfig: options.dynamicConfig,
  });
  const logFile = join(workDir, 'temporal-server.log');
  const address = `127.0.0.1:${frontendPort}`;

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
    // Stopped once this process is gone without stopping it (SIGKILL, a crashed test).
    guardian = killWhenOrphaned(started.pid);
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
