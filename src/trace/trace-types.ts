// The shape of a customer trace, shared by its builder, its renderer, the CLI and the admin API.

type TraceKind =
  | 'run' // a workflow run started, continued as new, ended
  | 'event' // a customer event the workflow received (signal), or one stored and not signalled
  // (no program referenced its type)
  | 'timer'
  | 'activity'
  | 'localActivity'
  | 'marker' // patches and other markers
  | 'workflowTask' // a failed or timed-out workflow task: the worker could not make progress
  | 'enrollment' // an entry decision: entered, or not entered with the reason
  | 'step' // a step transition of an enrollment, including goal and exit
  | 'message'; // a row of the messages outbox: sent, skipped, failed, with the reason

export interface TraceEntry {
  /** ISO-8601; workflow time for history and journey records. */
  at: string;
  kind: TraceKind;
  program?: string;
  step?: string;
  summary: string;
  detail: Record<string, unknown>;
}

export interface PendingEntry {
  kind: 'wait' | 'timer';
  /** When it wakes; null for an enrollment busy in a step that does not wait. */
  wakeAt: string | null;
  program?: string;
  step?: string;
  summary: string;
  detail: Record<string, unknown>;
}

export interface CustomerTrace {
  customer: {
    id: string;
    workflowId: string;
    timezone: string | null;
    /** Set when this customer turned out to be another one (identity merge). */
    mergedInto: string | null;
    identifiers: { kind: string; value: string }[];
  };
  entries: TraceEntry[];
  pending: PendingEntry[];
  /** What the trace could not include: Temporal unreachable, older runs not fetched. */
  warnings: string[];
}
