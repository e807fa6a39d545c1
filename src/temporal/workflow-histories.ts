// Reading workflow histories: the runs of one workflow linked by continue-as-new, history JSON in
// every shape the tools write, and plain-language names for history events.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyFromJSON, type History, type Payload } from '@temporalio/common/lib/proto-utils';

export type { History };
export type HistoryEvent = NonNullable<History['events']>[number];
type StartedAttributes = NonNullable<HistoryEvent['workflowExecutionStartedEventAttributes']>;

export interface WorkflowRun {
  workflowId: string;
  runId: string;
  history: History;
}

/**
 * The runs of a workflow chained by continue-as-new, oldest first: the latest run and, walking
 * back through `continuedExecutionRunId`, at most `maxRuns - 1` before it. `truncated` says
 * older runs exist that were not fetched. No workflow: no runs.
 */
export async function fetchRunChain(
  client: Client,
  workflowId: string,
  options: { maxRuns?: number } = {},
): Promise<{ runs: WorkflowRun[]; truncated: boolean }> {
  const maxRuns = options.maxRuns ?? 10;
  let runId: string | undefined;
  try {
    runId = (await client.workflow.getHandle(workflowId).describe()).runId;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { runs: [], truncated: false };
    throw err;
  }
  const runs: WorkflowRun[] = [];
  while (runId && runs.length < maxRuns) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.unshift({ workflowId, runId, history });
    runId = startedAttributes(history)?.continuedExecutionRunId || undefined;
  }
  return { runs, truncated: runId !== undefined };
}

/**
 * A history from JSON: `{ events: [...] }` (historyToJSON, `temporal workflow show --output json`),
 * a bare array of events, or a GetWorkflowExecutionHistory response (`{ history: { events } }`).
 */
export function historyFromAnyJson(json: unknown): History {
  if (Array.isArray(json)) return historyFromJSON({ events: json });
  const wrapped = json as { events?: unknown; history?: { events?: unknown } } | null;
  if (wrapped && !Array.isArray(wrapped.events) && Array.isArray(wrapped.history?.events))
    return historyFromJSON(wrapped.history);
  return historyFromJSON(json);
}

function startedAttributes(history: History): StartedAttributes | undefined {
  return history.events?.[0]?.workflowExecutionStartedEventAttributes ?? undefined;
}

/** The workflow id a history records (servers from 1.27 write it into the started event). */
export function recordedWorkflowId(history: History): string | undefined {
  return (startedAttributes(history) as { workflowId?: string } | undefined)?.workflowId || undefined;
}

/** The run id a history belongs to, as its started event records it. */
export function recordedRunId(history: History): string | undefined {
  return startedAttributes(history)?.originalExecutionRunId || undefined;
}

/**
 * `MARKER_RECORDED` for a marker event: named after the attributes it carries, which is what the
 * type means, whether the history came from JSON or from the server (where the enum is a number).
 */
export function eventTypeName(event: HistoryEvent): string {
  const key = Object.keys(event).find(
    (k) => k.endsWith('EventAttributes') && (event as Record<string, unknown>)[k] != null,
  );
  return key
    ? key
        .replace(/EventAttributes$/, '')
        .replace(/[A-Z]/g, (c) => `_${c}`)
        .toUpperCase()
    : 'UNKNOWN';
}

/** Event ids are int64 (a Long from the server): small enough to be numbers here. */
export function eventIdOf(event: HistoryEvent): number {
  return Number(String(event.eventId ?? 0));
}

export function eventTime(event: HistoryEvent): Date | null {
  const t = event.eventTime;
  if (!t) return null;
  return new Date(Number(String(t.seconds ?? 0)) * 1000 + Math.floor((t.nanos ?? 0) / 1e6));
}

/** A payload's value, or undefined when it cannot be decoded (binary, encrypted). */
export function decodePayload(payload: Payload | null | undefined): unknown {
  if (!payload) return undefined;
  try {
    return defaultPayloadConverter.fromPayload(payload);
  } catch {
    return undefined;
  }
}

/** What a local-activity marker records about its activity (Core's `data` detail). */
export function localActivityOf(event: HistoryEvent): { type: string; seq: number; attempt: number } | undefined {
  const details = event.markerRecordedEventAttributes?.details;
  if (event.markerRecordedEventAttributes?.markerName !== 'core_local_activity' || !details) return undefined;
  const data = decodePayload(details.data?.payloads?.[0]) as
    { activity_type?: string; seq?: number; attempt?: number } | undefined;
  return data?.activity_type ? { type: data.activity_type, seq: data.seq ?? 0, attempt: data.attempt ?? 1 } : undefined;
}

/** One line naming an event: `MARKER_RECORDED (local activity planEnrollments)`, `TIMER_STARTED (timer 1)`. */
export function describeEvent(event: HistoryEvent): string {
  const type = eventTypeName(event);
  const local = localActivityOf(event);
  const what =
    (local && `local activity ${local.type}`) ||
    (event.markerRecordedEventAttributes && `marker ${event.markerRecordedEventAttributes.markerName}`) ||
    (event.activityTaskScheduledEventAttributes &&
      `activity ${event.activityTaskScheduledEventAttributes.activityType?.name}`) ||
    (event.timerStartedEventAttributes && `timer ${event.timerStartedEventAttributes.timerId}`) ||
    (event.workflowExecutionSignaledEventAttributes &&
      `signal ${event.workflowExecutionSignaledEventAttributes.signalName}`) ||
    undefined;
  return what ? `${type} (${what})` : type;
}
