// `kairos history export`: writes workflow histories as JSON files, for the replay suite
// (test/replay/histories) or to replay elsewhere with `kairos replay --file`.
import { Option, type Command } from 'commander';
import { EXIT_OK, println, type CliContext } from '../cli-context';
import { historiesOfQuery, historiesOfWorkflow, writeHistoryFile } from '../history-sources';
import { positiveInt } from './options';

interface ExportOptions {
  workflowId?: string;
  runId?: string;
  allRuns?: boolean;
  query?: string;
  out: string;
  concurrency: number;
}

export function registerHistoryCommand(program: Command, ctx: CliContext): void {
  const history = program.command('history').description('Workflow histories');
  history
    .command('export')
    .description('Write workflow histories as JSON files (the format of `temporal workflow show --output json`)')
    .addOption(new Option('--workflow-id <id>', 'this workflow (its latest run)').conflicts('query'))
    .option('--run-id <id>', 'with --workflow-id: this run instead of the latest')
    .option('--all-runs', 'with --workflow-id: every run of its continue-as-new chain')
    .option('--query <query>', 'every workflow a visibility query lists')
    .requiredOption('--out <dir>', 'directory to write into (created if missing)')
    .option('--concurrency <n>', 'histories downloaded at once', positiveInt, 5)
    .action(async (opts: ExportOptions, command: Command) => {
      if (!opts.workflowId && !opts.query) command.error('error: give --workflow-id or --query');
      ctx.exitCode = await exportHistories(opts, ctx);
    });
}

async function exportHistories(opts: ExportOptions, ctx: CliContext): Promise<number> {
  const session = await ctx.services.temporal();
  try {
    const sources = opts.workflowId
      ? historiesOfWorkflow(session.client, opts.workflowId, { runId: opts.runId, allRuns: opts.allRuns })
      : historiesOfQuery(session.client, opts.query!, opts.concurrency);
    const taken = new Set<string>();
    for await (const source of sources) println(ctx.io, writeHistoryFile(opts.out, source, taken));
    println(ctx.io, `exported ${taken.size} ${taken.size === 1 ? 'history' : 'histories'} to ${opts.out}`);
    return EXIT_OK;
  } finally {
    await session.close();
  }
}
