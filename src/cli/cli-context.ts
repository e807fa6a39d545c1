// What every kairos command is given: where to write, the environment its settings come from, and
// its exit code. Tests pass their own, so commands run in-process.
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadTemporalConfig, type Config } from '../config';
import { temporalConnectionOptions } from '../temporal/connection';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export interface CliContext {
  io: CliIo;
  /** Settings source for src/config.ts; undefined: the process environment. */
  env: NodeJS.ProcessEnv | undefined;
  exitCode: number;
}

export const EXIT_OK = 0;
/** Replay found a nondeterminism or failure; a command failed. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export function println(io: CliIo, line = ''): void {
  io.out(`${line}\n`);
}

export interface TemporalSession {
  client: Client;
  config: Config['temporal'];
  close(): Promise<void>;
}

/** A Temporal client from the TEMPORAL_* settings alone: replay and export need no database. */
export async function connectTemporal(ctx: CliContext): Promise<TemporalSession> {
  const config = loadTemporalConfig(ctx.env);
  const connection = await Connection.connect(temporalConnectionOptions(config));
  return { client: new Client({ connection, namespace: config.namespace }), config, close: () => connection.close() };
}

/**
 * The CLI reports replay results itself; the Runtime would otherwise log every replayed workflow
 * task (and Core every nondeterminism) to stderr. Once per process, before any worker.
 */
export function installQuietRuntime(): void {
  try {
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
    });
  } catch {
    // A Runtime exists already (a test file's workers): keep it.
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
