#!/usr/bin/env node
// The `kairos` command line for engineers: replay histories against the current code, export
// histories, trace a customer's journey, roll out worker builds, and apply programs kept as code.
// `run` is the whole CLI, callable in-process (tests).
import { Command, CommanderError } from 'commander';
import { composeCli } from '../apps/cli';
import {
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  errorMessage,
  installQuietRuntime,
  type CliContext,
  type CliIo,
} from './cli-context';
import { registerDeployCommand } from './commands/deploy-command';
import { registerHistoryCommand } from './commands/history-command';
import { registerProgramsCommand } from './commands/programs-command';
import { registerReplayCommand } from './commands/replay-command';
import { registerTraceCommand } from './commands/trace-command';

export type { CliIo } from './cli-context';

const processIo: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/**
 * Runs one kairos command line (`argv` without the program name) and returns its exit code:
 * 0 ok, 1 failed (nondeterminism found, or an error), 2 usage error.
 */
export async function run(
  argv: readonly string[],
  io: CliIo = processIo,
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<number> {
  const ctx: CliContext = { io, services: composeCli(options.env ?? process.env), exitCode: EXIT_OK };
  const program = new Command('kairos')
    .description('Kairos tools for engineers: replay, history export, customer trace, worker rollout, programs as code')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(kairos <command> --help for usage)');
  registerReplayCommand(program, ctx);
  registerHistoryCommand(program, ctx);
  registerTraceCommand(program, ctx);
  registerDeployCommand(program, ctx);
  registerProgramsCommand(program, ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    io.err(`kairos: ${errorMessage(err)}\n`);
    return EXIT_FAILED;
  }
}

if (require.main === module) {
  installQuietRuntime();
  void run(process.argv.slice(2)).then((code) => process.exit(code));
}
