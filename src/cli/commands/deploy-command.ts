// `kairos deploy`: rolls a new worker build out through Worker Versioning. `set-current` sends
// customer workflows to a build (new ones at start, running ones at their next workflow task: they
// auto-upgrade), `ramp` sends a share of them, `describe` shows the routing and which builds still
// hold open workflows. The rollout and experiment controllers stay on the build they started on
// (pinned).
import { InvalidArgumentError, type Command } from 'commander';
import {
  describeDeployment,
  setCurrentVersion,
  setRampingVersion,
  type DeploymentDescription,
  type RoutingChange,
} from '../../temporal/worker-deployment';
import type { TemporalSession } from '../../apps/cli';
import { EXIT_OK, println, type CliContext, type CliIo } from '../cli-context';

interface CommonOptions {
  deploymentName?: string;
  wait: number;
}

export function registerDeployCommand(program: Command, ctx: CliContext): void {
  const deploy = program.command('deploy').description('Worker Versioning: which worker build runs customer workflows');
  withCommonOptions(
    deploy
      .command('set-current')
      .description(
        'Customer workflows run on this build: new ones at once, running ones from their next workflow task ' +
          '(if it was ramping, the ramp ends)',
      )
      .requiredOption('--build-id <id>', 'build id of the worker version'),
  ).action(async (opts: CommonOptions & { buildId: string }) => {
    ctx.exitCode = await withDeployment(ctx, opts, async (client, name) => {
      report(
        ctx.io,
        await setCurrentVersion(client, name, opts.buildId, { waitMs: opts.wait * 1000 }),
        `current version is ${opts.buildId}`,
      );
    });
  });
  withCommonOptions(
    deploy
      .command('ramp')
      .description(
        'A share of customer workflows (by workflow id) run on this build ' +
          'instead of the current one (0 stops the ramp)',
      )
      .requiredOption('--build-id <id>', 'build id of the worker version')
      .requiredOption('--percentage <n>', 'share of new workflows, 0 to 100', percentage),
  ).action(async (opts: CommonOptions & { buildId: string; percentage: number }) => {
    ctx.exitCode = await withDeployment(ctx, opts, async (client, name) => {
      const change = await setRampingVersion(client, name, opts.buildId, opts.percentage, { waitMs: opts.wait * 1000 });
      report(ctx.io, change, `${opts.buildId} is ramping at ${opts.percentage}%`);
    });
  });
  deploy
    .command('describe')
    .description(
      "The deployment's current and ramping versions, and per version its open workflows: " +
        "pinned ones need that build's workers, auto-upgrade ones move at their next task",
    )
    .option('--deployment-name <name>', DEPLOYMENT_NAME_HELP)
    .option('--json', 'print the same as JSON')
    .action(async (opts: { deploymentName?: string; json?: boolean }) => {
      ctx.exitCode = await withDeployment(ctx, opts, async (client, name) => {
        const description = await describeDeployment(client, name);
        if (!description)
          throw new Error(`no Worker Deployment named '${name}': no versioned worker of it has polled the server yet`);
        if (opts.json) println(ctx.io, JSON.stringify(description, null, 2));
        else ctx.io.out(renderDeployment(description));
      });
    });
}

const DEPLOYMENT_NAME_HELP = 'Worker Deployment (default: KAIROS_DEPLOYMENT_NAME, else kairos)';

function withCommonOptions(command: Command): Command {
  return command
    .option('--deployment-name <name>', DEPLOYMENT_NAME_HELP)
    .option(
      '--wait <seconds>',
      "wait up to this long for the build's workers to poll, and for the change to reach the task queues",
      seconds,
      0,
    );
}

async function withDeployment(
  ctx: CliContext,
  opts: { deploymentName?: string },
  action: (client: TemporalSession['client'], deploymentName: string) => Promise<void>,
): Promise<number> {
  const name = opts.deploymentName ?? ctx.services.deployment().name;
  const session = await ctx.services.temporal();
  try {
    await action(session.client, name);
    return EXIT_OK;
  } finally {
    await session.close();
  }
}

function report(io: CliIo, change: RoutingChange, what: string): void {
  println(io, `${change.routing.deploymentName}: ${change.changed ? '' : 'already: '}${what}`);
  if (!change.routing.propagated)
    println(io, '(still reaching the task queues; `kairos deploy describe` shows when it has)');
}

/**
 * `kairos deploy describe`: the routing, a table of versions with their open workflows, and for
 * each build that is neither current nor ramping whether its workers are still needed.
 */
export function renderDeployment(d: DeploymentDescription): string {
  const ramp = d.ramping
    ? `${d.ramping.buildId ?? '(unversioned workers)'} at ${Math.round(d.ramping.percentage * 100) / 100}%`
    : 'none';
  const width = Math.max(10, ...d.versions.map((v) => v.buildId.length));
  const row = (build: string, status: string, open: string, pinned: string, autoUpgrade: string, created: string) =>
    `  ${build.padEnd(width)}  ${status.padEnd(8)}  ${open.padStart(6)}  ` +
    `${pinned.padStart(6)}  ${autoUpgrade.padStart(12)}  ${created}`;
  const retired = d.versions.filter((v) => v.buildId !== d.current && v.buildId !== d.ramping?.buildId);
  const lines = [
    `deployment  ${d.deploymentName}`,
    `current     ${d.current ?? '(unversioned workers)'}`,
    `ramping     ${ramp}`,
    ...(d.propagated ? [] : ['            (routing change still reaching the task queues)']),
    'versions',
    row('build', 'status', 'open', 'pinned', 'auto-upgrade', 'created'),
    ...d.versions.map((v) =>
      row(
        v.buildId,
        v.status,
        String(v.workflows.open),
        String(v.workflows.pinned),
        String(v.workflows.autoUpgrade),
        v.createdAt ?? '?',
      ),
    ),
    ...(retired.length
      ? [
          'neither current nor ramping',
          ...retired.map((v) => `  ${v.buildId.padEnd(width)}  ${workersNeeded(v.workflows)}`),
        ]
      : []),
    'open: running workflows whose last workflow task ran on the build (from visibility, moments behind).',
    'Pinned ones stay on it until they end; ' +
      'auto-upgrade ones move to the current (or ramping) build at their next task.',
  ];
  return `${lines.join('\n')}\n`;
}

function workersNeeded(w: DeploymentDescription['versions'][number]['workflows']): string {
  if (w.pinned === 1) return 'keep its workers: 1 pinned workflow runs on it until it ends';
  if (w.pinned > 1) return `keep its workers: ${w.pinned} pinned workflows run on it until they end`;
  if (w.open === 1) return 'its workers can stop: its 1 open workflow is auto-upgrade and moves at its next task';
  if (w.open > 1)
    return `its workers can stop: its ${w.open} open workflows are auto-upgrade and move at their next task`;
  return 'its workers can stop: no open workflows';
}

function percentage(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100)
    throw new InvalidArgumentError('must be a number from 0 to 100');
  return n;
}

function seconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError('must be a number of seconds');
  return n;
}
