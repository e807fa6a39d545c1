// `kairos deploy`: rolls a new worker build out through Worker Versioning. `set-current` sends new
// customer workflows to a build, `ramp` sends a share of them, `describe` shows the routing.
// Running workflows stay on the build they started on (pinned).
import { InvalidArgumentError, type Command } from 'commander';
import { loadDeploymentConfig } from '../../config';
import { describeDeployment, setCurrentVersion, setRampingVersion, type DeploymentRouting, type RoutingChange } from '../../temporal/worker-deployment';
import { connectTemporal, EXIT_OK, println, type CliContext, type CliIo } from '../cli-context';

interface CommonOptions {
  deploymentName?: string;
  wait: number;
}

export function registerDeployCommand(program: Command, ctx: CliContext): void {
  const deploy = program.command('deploy').description('Worker Versioning: which worker build new customer workflows start on');
  withCommonOptions(
    deploy
      .command('set-current')
      .description('New customer workflows start on this build (if it was ramping, the ramp ends)')
      .requiredOption('--build-id <id>', 'build id of the worker version'),
  ).action(async (opts: CommonOptions & { buildId: string }) => {
    ctx.exitCode = await withDeployment(ctx, opts, async (client, name) => {
      report(ctx.io, await setCurrentVersion(client, name, opts.buildId, { waitMs: opts.wait * 1000 }), `current version is ${opts.buildId}`);
    });
  });
  withCommonOptions(
    deploy
      .command('ramp')
      .description('A share of new customer workflows start on this build instead of the current one (0 stops the ramp)')
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
    .description("The deployment's current and ramping versions, and every version it knows")
    .option('--deployment-name <name>', DEPLOYMENT_NAME_HELP)
    .option('--json', 'print the routing as JSON')
    .action(async (opts: { deploymentName?: string; json?: boolean }) => {
      ctx.exitCode = await withDeployment(ctx, opts, async (client, name) => {
        const routing = await describeDeployment(client, name);
        if (!routing) throw new Error(`no Worker Deployment named '${name}': no versioned worker of it has polled the server yet`);
        if (opts.json) println(ctx.io, JSON.stringify(routing, null, 2));
        else ctx.io.out(renderRouting(routing));
      });
    });
}

const DEPLOYMENT_NAME_HELP = 'Worker Deployment (default: KAIROS_DEPLOYMENT_NAME, else kairos)';

function withCommonOptions(command: Command): Command {
  return command
    .option('--deployment-name <name>', DEPLOYMENT_NAME_HELP)
    .option('--wait <seconds>', "wait up to this long for the build's workers to poll, and for the change to reach the task queues", seconds, 0);
}

type Session = Awaited<ReturnType<typeof connectTemporal>>;

async function withDeployment(ctx: CliContext, opts: { deploymentName?: string }, action: (client: Session['client'], deploymentName: string) => Promise<void>): Promise<number> {
  const name = opts.deploymentName ?? loadDeploymentConfig(ctx.env).name;
  const session = await connectTemporal(ctx);
  try {
    await action(session.client, name);
    return EXIT_OK;
  } finally {
    await session.close();
  }
}

function report(io: CliIo, change: RoutingChange, what: string): void {
  println(io, `${change.routing.deploymentName}: ${change.changed ? '' : 'already: '}${what}`);
  if (!change.routing.propagated) println(io, '(still reaching the task queues; `kairos deploy describe` shows when it has)');
}

export function renderRouting(routing: DeploymentRouting): string {
  const ramp = routing.ramping ? `${routing.ramping.buildId ?? '(unversioned workers)'} at ${Math.round(routing.ramping.percentage * 100) / 100}%` : 'none';
  const lines = [
    `deployment  ${routing.deploymentName}`,
    `current     ${routing.current ?? '(unversioned workers)'}`,
    `ramping     ${ramp}`,
    ...(routing.propagated ? [] : ['            (routing change still reaching the task queues)']),
    'versions',
    ...routing.versions.map((v) => `  ${v.buildId.padEnd(14)} ${v.status.padEnd(9)} created ${v.createdAt ?? '?'}`),
  ];
  return `${lines.join('\n')}\n`;
}

function percentage(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError('must be a number from 0 to 100');
  return n;
}

function seconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number of seconds');
  return n;
}
