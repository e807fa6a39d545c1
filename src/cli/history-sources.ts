// Where the CLI's histories come from and go to: JSON files and directories, one workflow (a run,
// the latest, or its continue-as-new chain), a visibility query; and the files `history export`
// writes, named so `replay --file` recovers the workflow id.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import {
  fetchRunChain,
  historyFromAnyJson,
  recordedRunId,
  recordedWorkflowId,
  type History,
} from '../temporal/workflow-histories';

export interface HistorySource {
  workflowId: string;
  runId: string | undefined;
  /** Where it came from, for messages: a file path or the workflow id. */
  label: string;
  history: History;
}

export function* historiesFromFiles(paths: string[]): Generator<HistorySource> {
  for (const file of jsonFiles(paths)) {
    let history: History;
    try {
      history = historyFromAnyJson(JSON.parse(readFileSync(file, 'utf8')));
    } catch (err) {
      throw new Error(`${file}: not a workflow history (${err instanceof Error ? err.message : String(err)})`);
    }
    yield {
      workflowId: recordedWorkflowId(history) ?? workflowIdFromFileName(file),
      runId: recordedRunId(history),
      label: file,
      history,
    };
  }
}

export async function* historiesOfWorkflow(
  client: Client,
  workflowId: string,
  options: { runId?: string; allRuns?: boolean },
): AsyncGenerator<HistorySource> {
  if (options.allRuns) {
    const { runs } = await fetchRunChain(client, workflowId, { maxRuns: Number.POSITIVE_INFINITY });
    for (const run of runs) yield { ...run, label: workflowId };
    return;
  }
  const runId = options.runId ?? (await client.workflow.getHandle(workflowId).describe()).runId;
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  yield { workflowId, runId, label: workflowId, history };
}

/** Every run the visibility query lists (closed continue-as-new runs included). */
export async function* historiesOfQuery(
  client: Client,
  query: string,
  concurrency: number,
): AsyncGenerator<HistorySource> {
  for await (const listed of client.workflow.list({ query }).intoHistories({ concurrency })) {
    const history = listed.history as History;
    yield { workflowId: listed.workflowId, runId: recordedRunId(history), label: listed.workflowId, history };
  }
}

/**
 * Writes the history in the format `temporal workflow show --output json` writes, as
 * `<url-encoded workflow id>@<run id>.json`; returns the path. `taken` keeps names unique.
 */
export function writeHistoryFile(dir: string, source: HistorySource, taken: Set<string>): string {
  mkdirSync(dir, { recursive: true });
  const stem = `${encodeURIComponent(source.workflowId)}@${source.runId ?? 'run'}`;
  let name = `${stem}.json`;
  for (let n = 2; taken.has(name); n++) name = `${stem}-${n}.json`;
  taken.add(name);
  const path = join(dir, name);
  writeFileSync(path, historyToJSON(source.history));
  return path;
}

/** `customer%3Aabc@<run>.json` → `customer:abc`; any other file name → its stem. */
function workflowIdFromFileName(file: string): string {
  const stem = basename(file).replace(/\.json$/i, '');
  const at = stem.lastIndexOf('@');
  const encoded = at > 0 ? stem.slice(0, at) : stem;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

/** The given files, and the `.json` files under the given directories, sorted. */
function jsonFiles(paths: string[]): string[] {
  return paths.flatMap((path) => {
    if (!statSync(path).isDirectory()) return [path];
    return readdirSync(path, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => join(path, f));
  });
}
