// Finds the real Temporal binaries: an explicit path from the environment, the project's
// .tools/bin (scripts/provision-temporal.sh), or a `temporal` on PATH.
import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

const toolsBin = resolve(__dirname, '../../.tools/bin');

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, pathVar: string | undefined): string | undefined {
  return (pathVar ?? '')
    .split(delimiter)
    .map((dir) => join(dir, name))
    .find(executable);
}

/** The Temporal CLI (its `server start-dev` is the dev server), or undefined if none is installed. */
export function temporalCliPath(env: NodeJS.ProcessEnv): string | undefined {
  if (env.TEMPORAL_CLI_PATH) return env.TEMPORAL_CLI_PATH;
  const local = join(toolsBin, 'temporal');
  return executable(local) ? local : onPath('temporal', env.PATH);
}

/** The time-skipping test server, or undefined if none is installed. */
export function temporalTestServerPath(env: NodeJS.ProcessEnv): string | undefined {
  if (env.TEMPORAL_TEST_SERVER_PATH) return env.TEMPORAL_TEST_SERVER_PATH;
  const local = join(toolsBin, 'temporal-test-server');
  return executable(local) ? local : onPath('temporal-test-server', env.PATH);
}

export const MISSING_BINARY_HINT =
  'Run `bash scripts/provision-temporal.sh`, ' +
  'or set TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH to a Temporal binary.';
