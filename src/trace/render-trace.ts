// A customer trace as text for a terminal: one line per entry, then what is pending.
import type { CustomerTrace, PendingEntry, TraceEntry } from './trace-types';

export interface RenderOptions {
  /** Also show bookkeeping: the workflow writing its own step records (activity recordSteps). */
  all?: boolean;
}

export function renderTrace(trace: CustomerTrace, options: RenderOptions = {}): string {
  const { customer } = trace;
  const known = customer.identifiers.map((i) => `${i.kind} ${i.value}`).join(', ');
  const lines = [
    `Customer ${customer.id} (workflow ${customer.workflowId})`,
    ...(known ? [`  known as ${known}`] : []),
    ...(customer.timezone ? [`  time zone ${customer.timezone}`] : []),
    '',
  ];

  const shown = trace.entries.filter((e) => options.all || !bookkeeping(e));
  const width = Math.min(40, Math.max(0, ...shown.map((e) => label(e).length)));
  lines.push(shown.length ? 'Timeline (UTC)' : 'Timeline: nothing recorded for this customer');
  for (const e of shown) lines.push(`  ${e.at}  ${e.kind.padEnd(13)} ${label(e).padEnd(width)}  ${e.summary}`);

  lines.push('');
  if (trace.pending.length === 0) lines.push('Pending: nothing (no enrollment is waiting, no timer is open)');
  else {
    lines.push('Pending');
    for (const p of trace.pending) lines.push(`  ${p.wakeAt ?? 'now'.padEnd(24)}  ${label(p)}  ${p.summary}`);
  }
  if (trace.warnings.length) lines.push('', 'Warnings', ...trace.warnings.map((w) => `  ${w}`));
  return `${lines.join('\n')}\n`;
}

/** `cross-sell v1 · wait-visit`: the program, version and step an entry is about. */
function label(e: TraceEntry | PendingEntry): string {
  const version = typeof e.detail.version === 'number' ? ` v${e.detail.version}` : '';
  const program = e.program ? `${e.program}${version}` : '';
  return [program, e.step].filter(Boolean).join(' · ');
}

function bookkeeping(e: TraceEntry): boolean {
  return (e.kind === 'localActivity' || e.kind === 'activity') && e.detail.activityType === 'recordSteps';
}
