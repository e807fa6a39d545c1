// One import's row in `imports`, read two ways: as the report GET /v1/imports/:id shows, and as
// the checkpoint a chunk resumes from (the byte offset and line after the last written batch, the
// CSV header, and the counters and first 1,000 errors of every row before it).
import { z } from 'zod';
import type { Import } from '../../generated/prisma/client';
import { storableText } from '../contracts/schema-parts';
import { parseStored, type StoredAt } from '../db/stored-json';
import {
  IMPORT_FORMATS,
  IMPORT_KINDS,
  IMPORT_STATUSES,
  type ImportFormat,
  type ImportKind,
  type ImportStatus,
} from '../contracts/requests/import-kinds';
import { rowErrorSchema, type RowError } from './import-schemas';

export const MAX_STORED_ERRORS = 1000;

/** An error as the jsonb column can hold it: a path or message may quote a bad key, NUL and all. */
export const storableError = (e: RowError): RowError => ({
  row: e.row,
  path: storableText(e.path),
  message: storableText(e.message),
});

const importStatus = z.enum(IMPORT_STATUSES);
const importKind = z.enum(IMPORT_KINDS);
const importFormat = z.enum(IMPORT_FORMATS);
const importSource = z.enum(['upload', 'file']);
const storedErrors = z.array(rowErrorSchema);
const storedHeader = z.array(z.string());

export interface ImportReport {
  id: string;
  kind: ImportKind;
  format: ImportFormat;
  status: ImportStatus;
  source: { type: z.output<typeof importSource>; url: string | null };
  rowsOk: number;
  rowsFailed: number;
  bytesRead: number;
  bytesTotal: number | null;
  rowsPerSecond: number | null;
  /** The first 1,000 errors, by row; a stop reason, if any, comes last. */
  errors: RowError[];
  createdAt: Date;
  startedAt: Date | null;
  updatedAt: Date;
  finishedAt: Date | null;
}

/** Where the next chunk starts, and what every row before it came to. */
export interface Checkpoint {
  bytes: number;
  line: number;
  header?: string[];
  rowsOk: number;
  rowsFailed: number;
  errors: RowError[];
}

const at = (row: Import, column: string): StoredAt => ({ table: 'imports', column, id: row.id });

/** The report of a stored import; a malformed row is refused naming the import. */
export function toReport(row: Import): ImportReport {
  const rows = row.rowsOk + row.rowsFailed;
  const seconds = row.runningAt && ((row.finishedAt ?? row.updatedAt).getTime() - row.runningAt.getTime()) / 1000;
  return {
    id: row.id,
    kind: parseStored(importKind, row.kind, at(row, 'kind')),
    format: parseStored(importFormat, row.format, at(row, 'format')),
    status: parseStored(importStatus, row.status, at(row, 'status')),
    source: { type: parseStored(importSource, row.source, at(row, 'source')), url: row.url },
    rowsOk: row.rowsOk,
    rowsFailed: row.rowsFailed,
    bytesRead: Number(row.bytesRead),
    bytesTotal: row.bytesTotal === null ? null : Number(row.bytesTotal),
    rowsPerSecond: seconds ? Math.round((rows / seconds) * 10) / 10 : null,
    errors: parseStored(storedErrors, row.errors, at(row, 'errors')),
    createdAt: row.startedAt,
    startedAt: row.runningAt,
    updatedAt: row.updatedAt,
    finishedAt: row.finishedAt,
  };
}

export function checkpointOf(row: Import): Checkpoint {
  return {
    bytes: Number(row.bytesRead),
    line: row.line,
    header: row.header === null ? undefined : parseStored(storedHeader, JSON.parse(row.header), at(row, 'header')),
    rowsOk: row.rowsOk,
    rowsFailed: row.rowsFailed,
    errors: parseStored(storedErrors, row.errors, at(row, 'errors')),
  };
}
