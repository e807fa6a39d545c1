// Finds the real Temporal binaries: an explicit path from the environment, the project's
// .tools/bin (scripts/provision-temporal.sh), or a `temporal` on PATH. The real server and its
// schema tool are looked for in the first two only: no registry ships them, so they are built
// into .tools by scripts/provision-temporal-server.sh.
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

export const MISSING_SERVER_HINT =
  'Run `bash scripts/provision-temporal-server.sh` (builds it with Go, minutes the first time), ' +
  'or set TEMPORAL_SERVER_PATH and TEMPORAL_SQL_TOOL_PATH to the binaries.';

/** temporal-server and temporal-sql-tool: the environment's paths, else the provisioned ones in .tools/bin. */
export function temporalServerBinaries(env: NodeJS.ProcessEnv = process.env): { server: string; sqlTool: string } {
  const server = env.TEMPORAL_SERVER_PATH || join(toolsBin, 'temporal-server');
  const sqlTool = env.TEMPORAL_SQL_TOOL_PATH || join(toolsBin, 'temporal-sql-tool');
  const missing = [server, sqlTool].find((path) => !executable(path));
  if (missing) throw new Error(`No Temporal server binary at ${missing}. ${MISSING_SERVER_HINT}`);
  return { server, sqlTool };
}
