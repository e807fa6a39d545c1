// `kairos trace <customer>`: a customer's journey as a timeline, from their workflow's history
// and the journey records, so "why didn't she get the email?" has a readable answer.
import type { Command } from 'commander';
import { createCustomerClient } from '../../temporal/customer-client';
import { buildTrace, resolveCustomer } from '../../trace/build-trace';
import { renderTrace } from '../../trace/render-trace';
import { EXIT_FAILED, EXIT_OK, println, type CliContext } from '../cli-context';
import { positiveInt } from './options';

interface TraceOptions {
  json?: boolean;
  all?: boolean;
  maxRuns: number;
}

export function registerTraceCommand(program: Command, ctx: CliContext): void {
  program
    .command('trace')
    .description(
      "A customer's journey as a timeline: events received, timers, activities, " +
        'entry decisions, steps, messages, and what is pending',
    )
    .argument('<customer>', 'customer id, or an identifier: email, loyalty id, anonymous id')
    .option('--json', 'print the trace as JSON (what GET /v1/customers/:id/trace returns)')
    .option('--all', 'include bookkeeping entries (the workflow writing its step records)')
    .option('--max-runs <n>', 'continue-as-new runs to walk back from the latest', positiveInt, 10)
    .action(async (customer: string, opts: TraceOptions) => {
      ctx.exitCode = await trace(customer, opts, ctx);
    });
}

async function trace(reference: string, opts: TraceOptions, ctx: CliContext): Promise<number> {
  const db = ctx.services.database();
  try {
    const customerId = await resolveCustomer(db, reference);
    if (!customerId) {
      ctx.io.err(`kairos: no customer is known as ${reference}\n`);
      return EXIT_FAILED;
    }
    const session = await ctx.services.temporal();
    try {
      const customers = createCustomerClient(session.client, session.config.taskQueue);
      const result = (await buildTrace({ db, customers }, customerId, { maxRuns: opts.maxRuns }))!;
      if (opts.json) println(ctx.io, JSON.stringify(result, null, 2));
      else ctx.io.out(renderTrace(result, { all: opts.all }));
      return EXIT_OK;
    } finally {
      await session.close();
    }
  } finally {
    await db.$disconnect();
  }
}
