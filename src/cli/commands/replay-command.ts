// `kairos replay`: replays histories (a workflow, a visibility query, or JSON files) against the
// current workflow code, so a change that would break running journeys is caught before deploy.
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { bundleWorkflowCode, DefaultLogger, type ReplayWorkerOptions } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../worker/create-worker';
import type { TemporalSession } from '../../apps/cli';
import { EXIT_FAILED, EXIT_OK, println, type CliContext, type CliIo } from '../cli-context';
import { historiesFromFiles, historiesOfQuery, historiesOfWorkflow, type HistorySource } from '../history-sources';
import { replayAll, type ReplayOutcome } from '../replayer';
import { positiveInt } from './options';

interface ReplayOptions {
  workflowId?: string;
  runId?: string;
  allRuns?: boolean;
  file?: string[];
  query?: string;
  concurrency: number;
  bundle?: string;
  workflowsPath?: string;
}

export function registerReplayCommand(program: Command, ctx: CliContext): void {
  program
    .command('replay')
    .description('Replay workflow histories against the current workflow code; exits 1 if any is nondeterministic')
    .addOption(new Option('--workflow-id <id>', 'replay this workflow (its latest run)').conflicts(['file', 'query']))
    .option('--run-id <id>', 'with --workflow-id: this run instead of the latest')
    .option('--all-runs', 'with --workflow-id: every run of its continue-as-new chain')
    .addOption(
      new Option(
        '--file <paths...>',
        'history JSON files, or directories of them (`temporal workflow show --output json`, `kairos history export`)',
      ).conflicts('query'),
    )
    .option(
      '--query <query>',
      `every workflow a visibility query lists, e.g. "WorkflowType='customerWorkflow' AND ExecutionStatus='Running'"`,
    )
    .option('--concurrency <n>', 'replay workers at once (and histories downloaded at once)', positiveInt, 4)
    .option('--bundle <file>', 'replay against this prebuilt workflow bundle instead of bundling the current code')
    // Tests point this at a deliberately nondeterministic workflow module.
    .addOption(new Option('--workflows-path <path>').hideHelp())
    .action(async (opts: ReplayOptions, command: Command) => {
      if (!opts.workflowId && !opts.file && !opts.query)
        command.error('error: give one of --workflow-id, --file or --query');
      ctx.exitCode = await replay(opts, ctx);
    });
}

async function replay(opts: ReplayOptions, ctx: CliContext): Promise<number> {
  const session = opts.file ? undefined : await ctx.services.temporal();
  try {
    const options = { ...(await replayWorkerOptions(opts)), dataConverter: ctx.services.dataConverter() };
    const counts = { ok: 0, nondeterministic: 0, failed: 0 };
    await replayAll(options, sourcesOf(opts, session), opts.concurrency, (outcome) => {
      counts[outcome.status]++;
      report(ctx.io, outcome);
    });
    const total = counts.ok + counts.nondeterministic + counts.failed;
    println(
      ctx.io,
      `replayed ${total} ${total === 1 ? 'history' : 'histories'}: ${counts.ok} ok, ` +
        `${counts.nondeterministic} nondeterministic, ${counts.failed} failed`,
    );
    return counts.nondeterministic + counts.failed > 0 ? EXIT_FAILED : EXIT_OK;
  } finally {
    await session?.close();
  }
}

function sourcesOf(
  opts: ReplayOptions,
  session: TemporalSession | undefined,
): Iterable<HistorySource> | AsyncIterable<HistorySource> {
  if (opts.file) return historiesFromFiles(opts.file);
  if (opts.workflowId)
    return historiesOfWorkflow(session!.client, opts.workflowId, { runId: opts.runId, allRuns: opts.allRuns });
  return historiesOfQuery(session!.client, opts.query!, opts.concurrency);
}

async function replayWorkerOptions(opts: ReplayOptions): Promise<ReplayWorkerOptions> {
  if (opts.bundle) return { workflowBundle: { codePath: resolve(opts.bundle) } };
  const workflowsPath = opts.workflowsPath ? resolve(opts.workflowsPath) : WORKFLOWS_PATH;
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('ERROR') });
  return { workflowBundle: { code } };
}

function report(io: CliIo, outcome: ReplayOutcome): void {
  const run = outcome.runId ? ` run ${outcome.runId}` : '';
  const from = outcome.label !== outcome.workflowId ? ` (${outcome.label})` : '';
  const title = `${outcome.workflowId}${run}${from}`;
  if (outcome.status === 'ok') return println(io, `ok                ${title}`);
  if (outcome.status === 'failed') return println(io, `FAILED            ${title}\n  ${outcome.message}`);
  const { divergence } = outcome;
  const where = divergence
    ? `diverged at event ${divergence.eventId}: ${divergence.event}` +
      (divergence.workflowTaskCompletedEventId !== null
        ? `, in the workflow task completed at event ${divergence.workflowTaskCompletedEventId}`
        : '')
    : 'could not locate the diverging event';
  println(io, `NONDETERMINISTIC  ${title}\n  ${where}\n  ${outcome.reason}\n  error: ${outcome.message}`);
}
