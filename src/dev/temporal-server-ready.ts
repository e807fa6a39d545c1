// When a just-started real Temporal server (src/dev/temporal-server.ts) is ready for Kairos. The
// server creates no namespace by itself and knows none of Kairos' search attributes, so waiting
// for it also registers them, and it ends only once they are in use, not merely accepted.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Connection, isGrpcServiceError } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { CUSTOMER_ID_KEY, INTERPRETER_VERSION_KEY, PROGRAMS_KEY } from '../../workflows/search-attributes';

const RETENTION = '1 day';
const READY_TIMEOUT_MS = 90_000;
// gRPC status codes
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;

/**
 * Until the frontend answers, the namespace exists, every Kairos search attribute is listed for it
 * and usable in a visibility query (the namespace cache refreshes every few seconds), and history
 * and matching answer (each has joined the membership ring).
 */
export async function waitUntilReady(address: string, namespace: string, child: ChildProcess, logFile: string) {
  const wanted = kairosSearchAttributes();
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let connection: Connection | undefined;
  let last: unknown;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`temporal-server exited (${child.exitCode ?? child.signalCode}); ${logTail(logFile)}`);
      try {
        connection ??= await Connection.connect({ address, connectTimeout: 1_000 });
        await ensureNamespace(connection, namespace);
        const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
        const missing = Object.entries(wanted).filter(([name]) => !customAttributes?.[name]);
        if (missing.length > 0) {
          await connection.operatorService.addSearchAttributes({
            namespace,
            searchAttributes: Object.fromEntries(missing),
          });
          throw new Error(`search attributes ${missing.map(([n]) => n).join(', ')} not listed yet`);
        }
        const names = Object.keys(wanted);
        await connection.workflowService.countWorkflowExecutions({
          namespace,
          query: names.map((n) => `${n} = 'ready'`).join(' OR '),
        });
        await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: 'kairos-ready' } });
        await connection.workflowService
          .describeWorkflowExecution({ namespace, execution: { workflowId: 'kairos-ready' } })
          .catch((err: unknown) => {
            if (!(isGrpcServiceError(err) && err.code === NOT_FOUND)) throw err;
          });
        return;
      } catch (err) {
        last = err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } finally {
    await connection?.close();
  }
  const why = last instanceof Error ? last.message : String(last);
  throw new Error(
    `temporal-server at ${address} was not ready within ${READY_TIMEOUT_MS / 1000} s (${why}); ${logTail(logFile)}`,
  );
}

/** Kairos' search attributes and their types, as the operator service takes them. */
function kairosSearchAttributes(): Record<string, temporal.api.enums.v1.IndexedValueType> {
  const { IndexedValueType } = temporal.api.enums.v1;
  const types = {
    KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  };
  return Object.fromEntries(
    [CUSTOMER_ID_KEY, PROGRAMS_KEY, INTERPRETER_VERSION_KEY].map((key) => [key.name, types[key.type]]),
  );
}

/** Registers the namespace; one already there (a restart, a reused store) is as good. */
async function ensureNamespace(connection: Connection, namespace: string): Promise<void> {
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs(RETENTION),
    });
  } catch (err) {
    if (!(isGrpcServiceError(err) && err.code === ALREADY_EXISTS)) throw err;
  }
}

/** The log's last lines, each JSON line as `level: msg (error)` without its stack trace. */
function logTail(logFile: string): string {
  let lines: string[] = [];
  try {
    lines = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5);
  } catch {
    // no log yet
  }
  const brief = lines.map((line) => {
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string; error?: string };
      return `${entry.level}: ${entry.msg}${entry.error ? ` (${entry.error})` : ''}`;
    } catch {
      return line;
    }
  });
  return `its log (${logFile}) ends:\n${brief.join('\n')}`;
}
