// The journeys' side of a trace: enrollment decisions and step transitions (journey_steps) and the
// messages outbox, each turned into a timeline entry that says what happened and why; and the
// events no workflow heard because no program referenced their type.
import type { Event, JourneyStep, Message } from '../../generated/prisma/client';
import { storedObject } from '../db/stored-json';
import { formatDuration } from './history-entries';
import type { TraceEntry } from './trace-types';

/** Step records in the order the workflow wrote them: time, then each enrollment's sequence. */
export function stepEntries(rows: JourneyStep[]): TraceEntry[] {
  const ordered = [...rows].sort(
    (a, b) => a.at.getTime() - b.at.getTime() || a.enrollmentId.localeCompare(b.enrollmentId) || seq(a) - seq(b),
  );
  const previous = new Map<string, Date>();
  return ordered.map((row) => {
    const recorded = storedObject(row.detail, { table: 'journey_steps', column: 'detail', id: row.id });
    const detail = {
      ...recorded,
      enrollmentId: row.enrollmentId,
      version: row.version,
      variant: row.variant,
      stepKind: row.kind,
      outcome: row.outcome,
    };
    const base = { at: row.at.toISOString(), program: row.programId };
    if (row.kind === 'enter') {
      if (row.outcome === 'entered') previous.set(row.enrollmentId, row.at);
      return {
        ...base,
        kind: 'enrollment',
        ...(row.stepId !== '-' ? { step: row.stepId } : {}),
        summary: enterSummary(row, recorded),
        detail,
      };
    }
    const since = previous.get(row.enrollmentId);
    previous.set(row.enrollmentId, row.at);
    const tookMs = since ? row.at.getTime() - since.getTime() : null;
    return {
      ...base,
      kind: 'step',
      step: row.stepId,
      summary: stepSummary(row, recorded, tookMs),
      detail: { ...detail, ...(tookMs !== null ? { tookMs } : {}) },
    };
  });
}

export function messageEntries(rows: Message[]): TraceEntry[] {
  return rows.map((m) => ({
    // Workflow time of the send decision: the same clock as the history and the step records.
    at: m.scheduledAt.toISOString(),
    kind: 'message',
    program: m.programId,
    step: m.stepId,
    summary:
      `${m.channel} ${m.templateId} ${m.status}${m.reason ? `: ${m.reason}` : ''}` +
      `${m.recipient ? ` to ${m.recipient}` : ''}`,
    detail: {
      key: m.key,
      enrollmentId: m.enrollmentId,
      status: m.status,
      reason: m.reason,
      recipient: m.recipient,
      subject: m.subject,
      providerMessageId: m.providerMessageId,
      sentAt: m.sentAt?.toISOString() ?? null,
    },
  }));
}

function enterSummary(row: JourneyStep, d: Record<string, unknown>): string {
  const variant = row.variant ? ` variant ${row.variant}` : '';
  const on = [d.trigger, d.eventId].filter(Boolean).join(' ');
  if (row.outcome === 'entered')
    return (
      `entered v${row.version}${variant}${on ? ` on ${on}` : ''}` + `${d.entryKey ? `, key ${String(d.entryKey)}` : ''}`
    );
  return (
    `${row.outcome}${d.reason ? `: ${String(d.reason)}` : ''}` +
    ` (v${row.version}${variant}${d.eventId ? `, event ${String(d.eventId)}` : ''})`
  );
}

function stepSummary(row: JourneyStep, d: Record<string, unknown>, tookMs: number | null): string {
  if (row.kind === 'goal') {
    const note =
      d.attributed === false ? ' (outside the attribution window)' : d.afterExit ? ' (after the journey ended)' : '';
    return `goal reached: ${row.outcome}${note}`;
  }
  // The enrollment's last record has no `next`; an exit *step* is recorded like any step.
  if (row.kind === 'exit' && !('next' in d)) return `exited: ${row.outcome}`;
  const next = typeof d.next === 'string' ? ` → ${d.next}` : '';
  const notes = [
    d.template && `template ${String(d.template)}`,
    d.until && `until ${String(d.until)}${d.timeZone ? ` ${String(d.timeZone)}` : ''}`,
    d.basis && `basis ${String(d.basis)}`,
    d.eventId && `event ${String(d.eventId)}`,
    Array.isArray(d.products) && d.products.length > 0 && `products ${d.products.join(', ')}`,
    tookMs !== null && tookMs >= 1000 && `after ${formatDuration(tookMs)}`,
  ].filter(Boolean);
  return `${row.kind}: ${row.outcome}${next}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}

/** Record ids end in the enrollment's sequence number (`<enrollment>/<n>`); refusals sort last. */
function seq(row: JourneyStep): number {
  const n = Number(row.id.slice(row.id.lastIndexOf('/') + 1));
  return Number.isFinite(n) ? n : Number.MAX_SAFE_INTEGER;
}

/**
 * Events stored and not signalled: no program version in use referenced their type
 * (src/programs/referenced-index.ts).
 */
export function unreferencedEventEntries(rows: Event[]): TraceEntry[] {
  return rows.map((e) => ({
    at: e.receivedAt.toISOString(),
    kind: 'event',
    summary: `stored ${e.type} ${e.id}, not signalled: no program version in use referenced ${e.type}`,
    detail: {
      eventId: e.id,
      type: e.type,
      occurredAt: e.occurredAt.toISOString(),
      properties: e.properties,
      signalled: false,
    },
  }));
}
