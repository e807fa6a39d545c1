// One import's row in `imports`: row counts, the first 1,000 errors and the status, saved as the
// import goes so GET /v1/imports/:id shows progress; and the report read back from that row.
import { z } from 'zod';
import type { Import } from '../../generated/prisma/client';
import { storableText } from '../contracts/schema-parts';
import type { Db } from '../db/prisma';
import { parseStored, type StoredAt } from '../db/stored-json';
import { IMPORT_FORMATS, IMPORT_KINDS, type ImportFormat, type ImportKind } from '../contracts/requests/import-kinds';
import { rowErrorSchema, type RowError } from './import-schemas';

const MAX_STORED_ERRORS = 1000;

/** An error as the jsonb column can hold it: a path or message may quote a bad key, NUL and all. */
const storableError = (e: RowError): RowError => ({
  row: e.row,
  path: storableText(e.path),
  message: storableText(e.message),
});

const importStatus = z.enum(['running', 'completed', 'failed']);
const importKind = z.enum(IMPORT_KINDS);
const importFormat = z.enum(IMPORT_FORMATS);
const storedErrors = z.array(rowErrorSchema);

export interface ImportReport {
  id: string;
  kind: ImportKind;
  format: ImportFormat;
  /** `failed`: the input broke off (or the database failed); rows before that point are imported. */
  status: z.output<typeof importStatus>;
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
      const list = errorsChanged ? { errors: [...errors].sort((a, b) => a.row - b.row).concat(stopReason ?? []) } : {};
      errorsChanged = false;
      const finished = status === 'running' ? {} : { finishedAt: new Date() };
      return toReport(
        await db.import.update({ where: { id }, data: { status, rowsOk, rowsFailed, ...list, ...finished } }),
      );
    },
  };
}

/** The report of a stored import; a malformed row is refused naming the import. */
export function toReport(row: Import): ImportReport {
  const at = (column: string): StoredAt => ({ table: 'imports', column, id: row.id });
  return {
    id: row.id,
    kind: parseStored(importKind, row.kind, at('kind')),
    format: parseStored(importFormat, row.format, at('format')),
    status: parseStored(importStatus, row.status, at('status')),
    rowsOk: row.rowsOk,
    rowsFailed: row.rowsFailed,
    errors: parseStored(storedErrors, row.errors, at('errors')),
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}
