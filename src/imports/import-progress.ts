// One import's row in `imports`: row counts, the first 1,000 errors and the status, saved as the
// import goes so GET /v1/imports/:id shows progress; and the report read back from that row.
import type { Import, Prisma } from '../../generated/prisma/client';
import { storableText } from '../contracts/schema-parts';
import type { Db } from '../db/prisma';
import type { ImportFormat, ImportKind, RowError } from './import-schemas';

const MAX_STORED_ERRORS = 1000;

/** An error as the jsonb column can hold it: a path or message may quote a bad key, NUL and all. */
const storableError = (e: RowError): RowError => ({
  row: e.row,
  path: storableText(e.path),
  message: storableText(e.message),
});

export interface ImportReport {
  id: string;
  kind: ImportKind;
  format: ImportFormat;
  /** `failed`: the input broke off (or the database failed); rows before that point are imported. */
  status: 'running' | 'completed' | 'failed';
  rowsOk: number;
  rowsFailed: number;
  /** The first 1,000 errors, by row; a stop reason, if any, comes last. */
  errors: RowError[];
  startedAt: Date;
  finishedAt: Date | null;
}

export function createProgress(db: Db, id: string) {
  let rowsOk = 0;
  let rowsFailed = 0;
  const errors: RowError[] = [];
  let stopReason: RowError | undefined;
  let errorsChanged = false;

  /** Rows that failed, with every problem found (a row may have several). */
  function reject(rowErrors: RowError[]): void {
    rowsFailed += new Set(rowErrors.map((e) => e.row)).size;
    const room = MAX_STORED_ERRORS - errors.length;
    if (room > 0 && rowErrors.length) {
      errors.push(...rowErrors.slice(0, room).map(storableError));
      errorsChanged = true;
    }
  }

  return {
    reject,
    /** A written batch: its rows count as imported unless the writer rejected them. */
    written(rows: number, rejected: RowError[]): void {
      reject(rejected);
      rowsOk += rows - new Set(rejected.map((e) => e.row)).size;
    },
    /** Why the input could not be read on; always kept, even past the error limit. */
    stopped(reason: RowError): void {
      stopReason = storableError(reason);
      errorsChanged = true;
    },
    async save(status: ImportReport['status']): Promise<ImportReport> {
      // Rows reach here out of order (parsing runs ahead of writing), so the stored list is sorted.
      const list = errorsChanged
        ? {
            errors: [...errors]
              .sort((a, b) => a.row - b.row)
              .concat(stopReason ?? []) as unknown as Prisma.InputJsonArray,
          }
        : {};
      errorsChanged = false;
      const finished = status === 'running' ? {} : { finishedAt: new Date() };
      return toReport(
        await db.import.update({ where: { id }, data: { status, rowsOk, rowsFailed, ...list, ...finished } }),
      );
    },
  };
}

export function toReport(row: Import): ImportReport {
  return {
    id: row.id,
    kind: row.kind as ImportKind,
    format: row.format as ImportFormat,
    status: row.status as ImportReport['status'],
    rowsOk: row.rowsOk,
    rowsFailed: row.rowsFailed,
    errors: row.errors as unknown as RowError[],
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}
