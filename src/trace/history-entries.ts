// The workflow's side of a trace: what each run of the customer's workflow heard and did, read
// from its history (events received, timers, activities, continue-as-new), and its open timers.
import {
  decodePayload,
  eventIdOf,
  eventTime,
  eventTypeName,
  localActivityOf,
  type HistoryEvent,
  type WorkflowRun,
} from '../temporal/workflow-histories';
import type { PendingEntry, TraceEntry } from './trace-types';

interface Scheduled {
  type: string;
  program?: string;
  step?: string;
}

export function historyEntries(runs: WorkflowRun[]): TraceEntry[] {
  return runs.flatMap((run) => {
    const activities = new Map<number, Scheduled>();
    return (run.history.events ?? []).flatMap((event) => {
      const entry = entryOf(event, run.runId, activities);
      return entry ? [entry] : [];
    });
  });
}

/** Timers the run started that have neither fired nor been canceled. */
export function openTimers(run: WorkflowRun): PendingEntry[] {
  const open = new Map<string, PendingEntry>();
  for (const event of run.history.events ?? []) {
    const started = event.timerStartedEventAttributes;
    if (started?.timerId) {
      const fireAt = timerFireAt(event);
      open.set(started.timerId, {
        kind: 'timer',
        wakeAt: fireAt,
        summary: `timer ${started.timerId} fires at ${fireAt}`,
        detail: { runId: run.runId, timerId: started.timerId, historyEventId: eventIdOf(event) },
      });
    }
    const ended = event.timerFiredEventAttributes ?? event.timerCanceledEventAttributes;
    if (ended?.timerId) open.delete(ended.timerId);
  }
  return [...open.values()];
}

/** Whether the run has ended (completed, failed, continued as new...): nothing of it is pending. */
export function runClosed(run: WorkflowRun): boolean {
  const last = run.history.events?.at(-1);
  return (
    last !== undefined &&
    /^WORKFLOW_EXECUTION_(COMPLETED|FAILED|TERMINATED|CANCELED|TIMED_OUT|CONTINUED_AS_NEW)$/.test(eventTypeName(last))
  );
}

function entryOf(event: HistoryEvent, runId: string, activities: Map<number, Scheduled>): TraceEntry | null {
  const at = (eventTime(event) ?? new Date(0)).toISOString();
  const base = { runId, historyEventId: eventIdOf(event) };
  const make = (
    kind: TraceEntry['kind'],
    summary: string,
    detail: Record<string, unknown> = {},
    where: Partial<Scheduled> = {},
  ): TraceEntry => ({
    at,
    kind,
    ...(where.program ? { program: where.program } : {}),
    ...(where.step ? { step: where.step } : {}),
    summary,
    detail: { ...base, ...detail },
  });

  switch (eventTypeName(event)) {
    case 'WORKFLOW_EXECUTION_STARTED': {
      const a = event.workflowExecutionStartedEventAttributes!;
      const previous = a.continuedExecutionRunId || null;
      const input = decodePayload(a.input?.payloads?.[0]) as
        { carried?: { enrollments?: { id: string }[]; inbox?: unknown[] } } | undefined;
      const carried = input?.carried && {
        enrollments: (input.carried.enrollments ?? []).map((e) => e.id),
        inbox: input.carried.inbox?.length ?? 0,
      };
      const summary = previous
        ? `run ${short(runId)} started, continued from ${short(previous)}`
        : `run ${short(runId)} started`;
      return make('run', carried ? `${summary} with ${carried.enrollments.length} enrollment(s)` : summary, {
        continuedFrom: previous,
        ...(carried ? { carried } : {}),
      });
    }
    case 'WORKFLOW_EXECUTION_CONTINUED_AS_NEW': {
      const next = event.workflowExecutionContinuedAsNewEventAttributes!.newExecutionRunId ?? '';
      return make('run', `continued as new: run ${short(next)}`, { newRunId: next });
    }
    case 'WORKFLOW_EXECUTION_COMPLETED':
      return make('run', 'run completed');
    case 'WORKFLOW_EXECUTION_FAILED':
      return make('run', `run failed: ${event.workflowExecutionFailedEventAttributes?.failure?.message ?? ''}`);
    case 'WORKFLOW_EXECUTION_TERMINATED':
      return make(
        'run',
        `run terminated: ${event.workflowExecutionTerminatedEventAttributes?.reason || 'no reason given'}`,
      );
    case 'WORKFLOW_EXECUTION_CANCELED':
      return make('run', 'run canceled');
    case 'WORKFLOW_EXECUTION_TIMED_OUT':
      return make('run', 'run timed out');
    case 'WORKFLOW_EXECUTION_SIGNALED': {
      const a = event.workflowExecutionSignaledEventAttributes!;
      const value = decodePayload(a.input?.payloads?.[0]) as { id?: string; type?: string } | undefined;
      if (a.signalName === 'customerEvent' && value?.type)
        return make('event', `received ${value.type} ${value.id ?? ''}`.trim(), { event: value });
      return make('event', `signal ${a.signalName ?? ''}`, { signal: a.signalName, input: value });
    }
    case 'WORKFLOW_TASK_FAILED':
      return make(
        'workflowTask',
        `workflow task failed: ${event.workflowTaskFailedEventAttributes?.failure?.message ?? 'no message'}`,
      );
    case 'WORKFLOW_TASK_TIMED_OUT':
      return make('workflowTask', 'workflow task timed out (the worker did not answer in time)');
    case 'TIMER_STARTED': {
      const a = event.timerStartedEventAttributes!;
      return make(
        'timer',
        `timer ${a.timerId} started: fires in ${formatDuration(durationMs(a.startToFireTimeout))}` +
          `, at ${timerFireAt(event)}`,
        {
          timerId: a.timerId,
          fireAt: timerFireAt(event),
        },
      );
    }
    case 'TIMER_FIRED':
      return make('timer', `timer ${event.timerFiredEventAttributes!.timerId} fired`, {
        timerId: event.timerFiredEventAttributes!.timerId,
      });
    case 'TIMER_CANCELED':
      return make('timer', `timer ${event.timerCanceledEventAttributes!.timerId} canceled`, {
        timerId: event.timerCanceledEventAttributes!.timerId,
      });
    case 'ACTIVITY_TASK_SCHEDULED': {
      const a = event.activityTaskScheduledEventAttributes!;
      const input = decodePayload(a.input?.payloads?.[0]) as
        { programId?: string; stepId?: string; templateId?: string; key?: string } | undefined;
      const scheduled: Scheduled = {
        type: a.activityType?.name ?? 'activity',
        program: input?.programId,
        step: input?.stepId,
      };
      activities.set(eventIdOf(event), scheduled);
      const about = input?.templateId ? ` (template ${input.templateId})` : '';
      return make(
        'activity',
        `${scheduled.type} scheduled${about}`,
        { activityType: scheduled.type, ...(input?.key ? { messageKey: input.key } : {}) },
        scheduled,
      );
    }
    case 'ACTIVITY_TASK_COMPLETED': {
      const a = event.activityTaskCompletedEventAttributes!;
      const scheduled = activities.get(Number(String(a.scheduledEventId))) ?? { type: 'activity' };
      const result = decodePayload(a.result?.payloads?.[0]);
      return make(
        'activity',
        `${scheduled.type} completed${resultSummary(result)}`,
        { activityType: scheduled.type, result },
        scheduled,
      );
    }
    case 'ACTIVITY_TASK_FAILED': {
      const a = event.activityTaskFailedEventAttributes!;
      const scheduled = activities.get(Number(String(a.scheduledEventId))) ?? { type: 'activity' };
      return make(
        'activity',
        `${scheduled.type} failed: ${a.failure?.message ?? ''}`,
        { activityType: scheduled.type },
        scheduled,
      );
    }
    case 'ACTIVITY_TASK_TIMED_OUT': {
      const a = event.activityTaskTimedOutEventAttributes!;
      const scheduled = activities.get(Number(String(a.scheduledEventId))) ?? { type: 'activity' };
      return make('activity', `${scheduled.type} timed out`, { activityType: scheduled.type }, scheduled);
    }
    case 'MARKER_RECORDED':
      return markerEntry(event, make);
    default:
      return null; // workflow task bookkeeping, activity started, ...: not part of the story
  }
}

function markerEntry(
  event: HistoryEvent,
  make: (kind: TraceEntry['kind'], summary: string, detail?: Record<string, unknown>) => TraceEntry,
): TraceEntry {
  const a = event.markerRecordedEventAttributes!;
  const local = localActivityOf(event);
  if (local) {
    if (a.failure)
      return make('localActivity', `${local.type} failed: ${a.failure.message ?? ''}`, {
        activityType: local.type,
        attempt: local.attempt,
      });
    const result = decodePayload(a.details?.result?.payloads?.[0]);
    return make('localActivity', `${local.type}${localResultSummary(local.type, result)}`, {
      activityType: local.type,
      attempt: local.attempt,
    });
  }
  if (a.markerName === 'core_patch') {
    const patch = decodePayload(a.details?.['patch-data']?.payloads?.[0]) as
      { id?: string; deprecated?: boolean } | undefined;
    return make('marker', `patch ${patch?.id ?? '?'} applied`, { patch });
  }
  return make('marker', `marker ${a.markerName ?? ''}`);
}

/** The enrollment decision input is the interesting local-activity result; others stay terse. */
function localResultSummary(type: string, result: unknown): string {
  if (type === 'planEnrollments' && result && typeof result === 'object') {
    // A list of candidates (engine v1) or a plan with its candidates (engine v2).
    const list = Array.isArray(result) ? result : (result as { candidates?: unknown }).candidates;
    const candidates = (Array.isArray(list) ? (list as { programId: string; version: number }[]) : []).map(
      (c) => `${c.programId} v${c.version}`,
    );
    return candidates.length ? `: candidates ${candidates.join(', ')}` : ': no program to enter';
  }
  return '';
}

function resultSummary(result: unknown): string {
  if (result === undefined || result === null) return '';
  const r = result as { status?: unknown; reason?: unknown };
  if (typeof r.status === 'string')
    return `: ${r.status}${typeof r.reason === 'string' && r.reason ? ` (${r.reason})` : ''}`;
  const text = JSON.stringify(result);
  return `: ${text.length > 80 ? `${text.slice(0, 77)}...` : text}`;
}

function timerFireAt(event: HistoryEvent): string {
  const started = eventTime(event)?.getTime() ?? 0;
  return new Date(started + durationMs(event.timerStartedEventAttributes?.startToFireTimeout)).toISOString();
}

function durationMs(d: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  return d ? Number(String(d.seconds ?? 0)) * 1000 + Math.round((d.nanos ?? 0) / 1e6) : 0;
}

/** `2d`, `5h 6m`, `42s`: the largest unit and the next one if it is not zero. */
export function formatDuration(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  const total = Math.max(0, Math.round(ms));
  const first = units.findIndex(([, size]) => total >= size);
  if (first === -1) return `${total}ms`;
  const [unit, size] = units[first]!;
  const n = Math.floor(total / size);
  const next = units[first + 1];
  const m = next ? Math.floor((total - n * size) / next[1]) : 0;
  return next && m > 0 ? `${n}${unit} ${m}${next[0]}` : `${n}${unit}`;
}

function short(runId: string): string {
  return runId.slice(0, 8);
}
