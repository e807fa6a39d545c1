// A customer's trace: what their workflow heard and did (the history of every run) merged with
// what their journeys recorded (entry decisions, steps, messages), and what is still pending.
// Answers "why didn't she get the email?" without reading raw histories.
import { IDENTIFIER_KINDS } from '../contracts/requests/customer-schema';
import type { Db } from '../db/prisma';
import { customerWorkflowId } from '../temporal/addressing';
import type { CustomerWorkflows } from '../customers/customer-workflows';
import type { WorkflowRun } from '../temporal/workflow-histories';
import { messageEntries, stepEntries, unreferencedEventEntries } from './database-entries';
import { historyEntries, openTimers, runClosed } from './history-entries';
import type { CustomerTrace, PendingEntry, TraceEntry } from './trace-types';

export type { CustomerTrace } from './trace-types';

/** Events no workflow heard (no program referenced their type): the latest this many. */
const UNREFERENCED_SHOWN = 200;

export interface TraceDeps {
  db: Db;
  customers: Pick<CustomerWorkflows, 'journeyState' | 'runs'>;
}

export interface TraceOptions {
  /** Continue-as-new runs to walk back from the latest; default 10. */
  maxRuns?: number;
  /** How long to wait for the journeyState query (it needs a running worker); default 5 s. */
  queryTimeoutMs?: number;
}

/** The trace of a customer by id, or null if no such customer exists. */
export async function buildTrace(
  deps: TraceDeps,
  customerId: string,
  options: TraceOptions = {},
): Promise<CustomerTrace | null> {
  const customer = await deps.db.customer.findUnique({
    where: { id: customerId },
    select: {
      id: true,
      timezone: true,
      mergedInto: true,
      identifiers: { select: { kind: true, value: true }, orderBy: [{ kind: 'asc' }, { value: 'asc' }] },
    },
  });
  if (!customer) return null;
  const [steps, messages, unreferenced] = await Promise.all([
    deps.db.journeyStep.findMany({ where: { customerId } }),
    deps.db.message.findMany({ where: { customerId }, orderBy: [{ scheduledAt: 'asc' }, { key: 'asc' }] }),
    deps.db.event.findMany({
      where: { customerId, unreferenced: true },
      orderBy: { receivedAt: 'desc' },
      take: UNREFERENCED_SHOWN,
    }),
  ]);
  const warnings: string[] = [];
  if (unreferenced.length === UNREFERENCED_SHOWN)
    warnings.push(
      `only the latest ${UNREFERENCED_SHOWN} events that no program referenced (stored, not signalled) are shown`,
    );
  if (customer.mergedInto)
    warnings.push(`merged into customer ${customer.mergedInto}: their journeys continue in that customer's trace`);
  const { runs, truncated } = await deps.customers
    .runs(customerId, { maxRuns: options.maxRuns })
    .catch((err: unknown) => {
      warnings.push(`workflow history unavailable: ${message(err)}`);
      return { runs: [] as WorkflowRun[], truncated: false };
    });
  if (truncated)
    warnings.push(
      `only the latest ${runs.length} runs are shown: older runs of the continue-as-new chain were not fetched`,
    );

  const entries = byTime([
    historyEntries(runs),
    stepEntries(steps),
    messageEntries(messages),
    unreferencedEventEntries(unreferenced.reverse()),
  ]);
  const pending = await pendingOf(deps, customerId, runs.at(-1), options.queryTimeoutMs ?? 5000, warnings);
  return { customer: { ...customer, workflowId: customerWorkflowId(customerId) }, entries, pending, warnings };
}

/**
 * The customer id behind a reference: a customer id, or any identifier value (email, loyalty id,
 * anonymous id) from customer_identifiers, strongest kind first.
 */
export async function resolveCustomer(db: Db, reference: string): Promise<string | null> {
  const byId = await db.customer.findUnique({ where: { id: reference }, select: { id: true } });
  if (byId) return byId.id;
  const known = await db.customerIdentifier.findMany({
    where: { value: { in: [...new Set([reference, reference.toLowerCase()])] } },
  });
  const rank = (kind: string) =>
    (IDENTIFIER_KINDS as readonly string[]).indexOf(kind) + 1 || IDENTIFIER_KINDS.length + 1;
  return known.sort((a, b) => rank(a.kind) - rank(b.kind))[0]?.customerId ?? null;
}

/**
 * Merges sources in time order; at the same instant the history comes first, then steps, messages, unsignalled
 * events.
 */
function byTime(sources: TraceEntry[][]): TraceEntry[] {
  const keyed = sources.flatMap((entries, source) =>
    entries.map((entry, index) => ({ entry, source, index, t: Date.parse(entry.at) })),
  );
  keyed.sort((a, b) => a.t - b.t || a.source - b.source || a.index - b.index);
  return keyed.map((k) => k.entry);
}

/**
 * What will happen next: each enrollment's wait from the journeyState query; when the query
 * cannot answer (no worker running), the run's open timers from its history.
 */
async function pendingOf(
  deps: TraceDeps,
  customerId: string,
  latest: WorkflowRun | undefined,
  timeoutMs: number,
  warnings: string[],
): Promise<PendingEntry[]> {
  if (!latest || runClosed(latest)) return [];
  try {
    const state = await withTimeout(deps.customers.journeyState(customerId), timeoutMs);
    return state.enrollments.map((e) => ({
      kind: 'wait' as const,
      wakeAt: e.wakeAt,
      program: e.programId,
      step: e.stepId,
      summary: waitSummary(e),
      detail: {
        enrollmentId: e.id,
        version: e.version,
        variant: e.variant,
        entryKey: e.entryKey,
        stepKind: e.stepKind,
        waitingFor: e.waitingFor,
      },
    }));
  } catch (err) {
    warnings.push(`journeyState query failed (${message(err)}): pending timers are read from the history instead`);
    return openTimers(latest);
  }
}

function waitSummary(e: { stepKind: string | null; waitingFor: string | null; wakeAt: string | null }): string {
  const at = e.stepKind ?? 'step';
  if (e.waitingFor) return `${at}: waiting for ${e.waitingFor} until ${e.wakeAt ?? '?'}`;
  if (e.wakeAt) return `${at}: waiting until ${e.wakeAt}`;
  return `${at}: running`;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  promise.catch(() => undefined); // a late failure after the timeout is already reported
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
