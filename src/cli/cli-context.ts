// What every kairos command is given: where to write, the services it may ask for (composed from
// the environment: src/apps/cli.ts), and its exit code. Tests pass their own, so commands run in-process.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { CliServices } from '../apps/cli';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export interface CliContext {
  io: CliIo;
  services: CliServices;
  exitCode: number;
}

export const EXIT_OK = 0;
/** Replay found a nondeterminism or failure; a command failed. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export function println(io: CliIo, line = ''): void {
  io.out(`${line}\n`);
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
