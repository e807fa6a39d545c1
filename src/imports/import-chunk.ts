// Runs one chunk of an import job: from the checkpoint in its `imports` row, reads rows, validates
// them and writes batches (one written while the next is parsed), until the file ends or the chunk
// has run its time. Each batch is written in one transaction with its checkpoint, and only while
// the row names this chunk as its owner and is running: a chunk retried after a crash redoes only
// the rows after the last checkpoint, counting each once, a stale attempt writes nothing more once
// a retry claimed the row, and a cancelled import is written to no more.
import { randomUUID } from 'node:crypto';
import type { Prisma } from '../../generated/prisma/client';
import type { Db } from '../db/prisma';
import type { ParsedRow } from './batch-writers';
import { openImportFile } from './import-file-reader';
import { checkpointOf, MAX_STORED_ERRORS, storableError, type Checkpoint } from './import-progress';
import type { RowError } from './import-schemas';
import { withoutBlanks } from './import-schemas';
import { KIND_PIPELINES } from './kind-pipelines';
import { InputError, readRows } from './row-reader';

export interface ChunkOptions {
  batchSize: number;
  /** A chunk ends at the first batch boundary after this long; its workflow starts the next. */
  chunkMs: number;
  /** Aborted: stop after the batch being written (the activity's cancellation or worker shutdown). */
  signal?: AbortSignal;
  /** After each batch is written, in its transaction: the customers its written rows concern. */
  written?: (tx: Prisma.TransactionClient, customerIds: string[]) => Promise<void>;
  /** After each checkpoint (the activity's heartbeat). */
  checkpointed?: (checkpoint: Checkpoint) => void;
}

/** `more`: the chunk ran its time and the import goes on; `done`: it ended (or another chunk owns it). */
export type ChunkOutcome = 'more' | 'done';

interface Batch {
  rows: ParsedRow<unknown>[];
  /** Rows refused before writing, and their problems. */
  failed: number;
  errors: RowError[];
}

const emptyBatch = (): Batch => ({ rows: [], failed: 0, errors: [] });
const RUNNABLE = ['queued', 'running'];

export async function runImportChunk(db: Db, importId: string, options: ChunkOptions): Promise<ChunkOutcome> {
  const owner = randomUUID();
  const { count } = await db.import.updateMany({
    where: { id: importId, status: { in: RUNNABLE } },
    data: { owner, status: 'running' },
  });
  if (!count) return 'done';
  let row = await db.import.findUniqueOrThrow({ where: { id: importId } });
  if (!row.runningAt) row = await db.import.update({ where: { id: importId }, data: { runningAt: new Date() } });
  const kind = KIND_PIPELINES[row.kind as keyof typeof KIND_PIPELINES];
  if (!kind) throw new Error(`import ${importId} has an unknown kind ${row.kind}`);
  const format = row.format === 'csv' ? 'csv' : 'ndjson';
  let committed = checkpointOf(row);
  let header = committed.header;
  const file = await openImportFile(row, committed.bytes);

  /** One transaction: the batch, its customers' traits and the checkpoint after it; false if no longer ours. */
  const commit = (batch: Batch, at: { bytes: number; line: number }, ending?: { stop?: RowError }) =>
    db.$transaction(
      async (tx) => {
        const [mine] = await tx.$queryRaw<{ ok: boolean }[]>`
          SELECT status = 'running' AND owner = ${owner} AS ok FROM imports WHERE id = ${importId} FOR UPDATE`;
        if (!mine?.ok) return false;
        const refused = batch.rows.length ? await kind.write(tx, batch.rows) : [];
        const refusedRows = new Set(refused.map((e) => e.row));
        if (kind.customerOf && options.written) {
          const ids = batch.rows.filter((r) => !refusedRows.has(r.line)).map((r) => kind.customerOf!(r.value));
          if (ids.length) await options.written(tx, ids);
        }
        const added = [...batch.errors, ...refused].sort((a, b) => a.row - b.row);
        const room = MAX_STORED_ERRORS - committed.errors.length;
        const next: Checkpoint = {
          bytes: at.bytes,
          line: at.line,
          header,
          rowsOk: committed.rowsOk + batch.rows.length - refusedRows.size,
          rowsFailed: committed.rowsFailed + batch.failed + refusedRows.size,
          errors:
            room > 0 && added.length
              ? [...committed.errors, ...added.slice(0, room).map(storableError)]
              : committed.errors,
        };
        const stored = ending?.stop ? [...next.errors, storableError(ending.stop)] : next.errors;
        await tx.import.update({
          where: { id: importId },
          data: {
            bytesRead: next.bytes,
            line: next.line,
            header: header && JSON.stringify(header),
            rowsOk: next.rowsOk,
            rowsFailed: next.rowsFailed,
            updatedAt: new Date(),
            ...(stored !== committed.errors ? { errors: stored } : {}),
            ...(ending ? { status: ending.stop ? 'failed' : 'completed', finishedAt: new Date(), owner: null } : {}),
          },
        });
        committed = next;
        return true;
      },
      // A batch of customers with their traits takes well under a second; a loaded machine, longer.
      { timeout: 5 * 60_000, maxWait: 60_000 },
    );

  const deadline = Date.now() + options.chunkMs;
  let batch = emptyBatch();
  let writing: Promise<boolean> = Promise.resolve(true);
  // One batch is written while the next is parsed; writes stay one at a time, in file order.
  const flush = async (at: { bytes: number; line: number }): Promise<boolean> => {
    if (!(await writing)) return false;
    const current = batch;
    batch = emptyBatch();
    writing = commit(current, at).then((ours) => {
      if (ours) options.checkpointed?.(committed);
      return ours;
    });
    writing.catch(() => undefined); // the next flush awaits it; until then it is not "unhandled"
    return true;
  };

  let last = { bytes: committed.bytes, line: committed.line };
  let stop: RowError | undefined;
  let paused = false;
  try {
    try {
      for await (const source of readRows(format, file.stream, committed, (h) => (header = h))) {
        last = { bytes: source.end ?? last.bytes, line: source.line };
        if ('error' in source) {
          batch.failed++;
          batch.errors.push({ row: source.line, path: '$', message: source.error });
        } else {
          const given = withoutBlanks(source.record);
          const parsed = kind.parse(format === 'csv' && kind.typeCsv ? kind.typeCsv(given) : given);
          if (parsed.ok) batch.rows.push({ line: source.line, value: parsed.value });
          else {
            batch.failed++;
            batch.errors.push(...parsed.issues.map((issue) => ({ row: source.line, ...issue })));
          }
        }
        // Only at a row whose end is known: the checkpoint must be a place a read can resume from.
        if (source.end === undefined || batch.rows.length + batch.failed < options.batchSize) continue;
        if (!(await flush(last))) return 'done';
        if (Date.now() >= deadline || options.signal?.aborted) {
          paused = true;
          break;
        }
      }
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      // Rows read before the input broke off are good rows: they are still written.
      stop = { row: err.line ?? last.line + 1, path: '$', message: `import stopped: ${err.message}` };
    }
    if (!(await writing)) return 'done';
    if (paused) return 'more';
    await commit(batch, stop ? last : { bytes: file.position(), line: last.line }, { stop });
    return 'done';
  } finally {
    file.close();
  }
}
