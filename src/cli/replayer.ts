// Replays histories against a workflow bundle with several replay workers at once, and when one
// diverges, finds the history event where the code and the history stopped agreeing.
import { Worker, type ReplayResult, type ReplayWorkerOptions } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import {
  describeEvent,
  eventIdOf,
  eventTypeName,
  type History,
  type HistoryEvent,
} from '../temporal/workflow-histories';
import { decodeHistory } from '../temporal/history-codec';
import type { HistorySource } from './history-sources';

interface Divergence {
  eventId: number;
  /** `MARKER_RECORDED (local activity planEnrollments)` */
  event: string;
  /** The workflow task whose commands no longer match: the one completed at this event. */
  workflowTaskCompletedEventId: number | null;
}

interface Replayed {
  workflowId: string;
  runId: string | undefined;
  label: string;
}

export type ReplayOutcome =
  | ({ status: 'ok' } & Replayed)
  | ({ status: 'nondeterministic'; message: string; reason: string; divergence: Divergence | null } & Replayed)
  | ({ status: 'failed'; message: string } & Replayed);

/**
 * Replays every source, `concurrency` replay workers at a time, reporting each outcome as it comes.
 * Histories are decoded first with the options' payload codecs, so what a divergence report
 * describes (local activities' names) is readable; the replay worker passes plain payloads through.
 */
export async function replayAll(
  options: ReplayWorkerOptions,
  sources: Iterable<HistorySource> | AsyncIterable<HistorySource>,
  concurrency: number,
  onOutcome: (outcome: ReplayOutcome) => void,
): Promise<void> {
  // One shared async iterator: an async generator queues concurrent next() calls, so each source
  // goes to exactly one worker.
  const codecs = options.dataConverter?.payloadCodecs ?? [];
  const queue = (async function* () {
    yield* sources;
  })();
  const lane = async () => {
    let current: HistorySource | undefined;
    let undecodable: string | undefined;
    const take = async function* () {
      for (let next = await queue.next(); !next.done; next = await queue.next()) {
        current = next.value;
        // A payload no key decrypts fails this history alone (the replay worker's codec meets it
        // again), reported in the codec's words; the other histories still replay.
        undecodable = await decodeHistory(current.history, codecs).then(
          () => undefined,
          (err: unknown) => (err instanceof Error ? err.message : String(err)),
        );
        yield { workflowId: current.workflowId, history: current.history };
      }
    };
    // Each result arrives before the worker asks for the next history, so `current` is its source.
    for await (const result of Worker.runReplayHistories(options, take())) {
      const outcome = await outcomeOf(options, current!, result);
      const { workflowId, runId, label } = outcome;
      onOutcome(undecodable ? { status: 'failed', message: undecodable, workflowId, runId, label } : outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
}

async function outcomeOf(
  options: ReplayWorkerOptions,
  source: HistorySource,
  result: ReplayResult,
): Promise<ReplayOutcome> {
  const replayed = { workflowId: source.workflowId, runId: result.runId || source.runId, label: source.label };
  if (!result.error) return { status: 'ok', ...replayed };
  const { message } = result.error;
  if (!(result.error instanceof DeterminismViolationError)) return { status: 'failed', message, ...replayed };
  const divergence = await locateDivergence(options, source.history, message);
  return { status: 'nondeterministic', message, reason: coreReason(message), divergence, ...replayed };
}

const NAMED_EVENT = /HistoryEvent\(\s*id:\s*(\d+)/;

/**
 * The event where replay diverged. Core names it in some messages; otherwise the shortest prefix
 * of the history that still fails to replay ends at it (a prefix replays like a workflow that is
 * still running). Up to the first completed workflow task there is no command to disagree with.
 */
async function locateDivergence(
  options: ReplayWorkerOptions,
  history: History,
  message: string,
): Promise<Divergence | null> {
  const events = history.events ?? [];
  const named = NAMED_EVENT.exec(message);
  const namedIndex = named ? events.findIndex((e) => eventIdOf(e) === Number(named[1])) : -1;
  if (namedIndex >= 0) return divergenceAt(events, namedIndex);

  const firstTask = events.findIndex((e) => eventTypeName(e) === 'WORKFLOW_TASK_COMPLETED');
  if (firstTask < 0) return null;
  let passing = firstTask + 1;
  let failing = events.length;
  let probe = { length: 0, failed: false };
  const prefixes = async function* () {
    while (failing - passing > 1) {
      probe = { length: Math.floor((passing + failing) / 2), failed: false };
      yield { workflowId: 'divergence-probe', history: { events: events.slice(0, probe.length) } };
      if (probe.failed) failing = probe.length;
      else passing = probe.length;
    }
  };
  for await (const result of Worker.runReplayHistories(options, prefixes()))
    probe.failed = result.error instanceof DeterminismViolationError;
  return divergenceAt(events, failing - 1);
}

function divergenceAt(events: HistoryEvent[], index: number): Divergence {
  const event = events[index]!;
  let task: number | null = null;
  for (let i = index; i >= 0 && task === null; i--)
    if (eventTypeName(events[i]!) === 'WORKFLOW_TASK_COMPLETED') task = eventIdOf(events[i]!);
  return { eventId: eventIdOf(event), event: describeEvent(event), workflowTaskCompletedEventId: task };
}

/** Core's own words inside the SDK's message: `[TMPRL1100] Nondeterminism error: ...`. */
function coreReason(message: string): string {
  return /message: "((?:[^"\\]|\\.)*)"/.exec(message)?.[1] ?? message;
}
