// Turns a file stream into rows with their line numbers and where each ends: CSV (the header names
// the fields) or NDJSON. A malformed line is a row with an error; input that cannot be read on from
// is an InputError. A read may start at a checkpoint (a byte offset at the end of a row, its line,
// and a CSV's header), so a resumed import numbers its rows as one read from the start would.
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { ImportFormat } from '../contracts/requests/import-kinds';

/** Longest row accepted; it bounds the memory one row can take. */
export const MAX_ROW_BYTES = 1024 * 1024;

/**
 * A row, or a line that is not one. `end` is the byte offset just after it in the file, where a
 * read may resume; csv-parse does not say it for the records it skips.
 */
export type SourceRow = { line: number; end?: number } & ({ record: Record<string, unknown> } | { error: string });

/** Where a read starts: a byte offset at the end of a row, that row's line, and the CSV header read before it. */
export interface ReadFrom {
  bytes: number;
  line: number;
  header?: string[];
}

const START: ReadFrom = { bytes: 0, line: 0 };

/** The input cannot be read any further (unclosed quote, oversized row, broken upload): the import stops. */
export class InputError extends Error {
  constructor(
    message: string,
    /** The line the input broke at, when known. */
    readonly line?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function readRows(
  format: ImportFormat,
  input: Readable,
  from: ReadFrom = START,
  onHeader?: (header: string[]) => void,
): AsyncIterable<SourceRow> {
  return format === 'csv' ? readCsvRows(input, from, onHeader) : readNdjsonRows(input, from);
}

// csv-parse skips a record it cannot parse and carries on, except after these: an unclosed quote
// swallows the rest of the input and an oversized record makes it drop every later chunk.
const FATAL_CSV_ERRORS = new Set(['CSV_QUOTE_NOT_CLOSED', 'CSV_MAX_RECORD_SIZE']);

export async function* readCsvRows(
  input: Readable,
  from: ReadFrom = START,
  onHeader?: (header: string[]) => void,
): AsyncGenerator<SourceRow> {
  const skipped: SourceRow[] = [];
  let fatal: InputError | undefined;
  // Where the last record the parser finished ended, and how many blank lines it had skipped by
  // then. A fatal error is raised at the end of the input (or the size limit), far from where its
  // record began; that record begins on the next line that is not blank.
  const settled = { lines: 0, emptyLines: 0 };
  const settle = (at: { lines: number; empty_lines: number }) => {
    settled.lines = at.lines;
    settled.emptyLines = at.empty_lines;
  };
  const parser = parse({
    // A resumed read starts past the header, so it is given the header the first read found.
    columns:
      from.header ??
      ((header: string[]) => {
        settle(parser.info);
        const checked = checkHeader(header);
        onHeader?.(checked);
        return checked;
      }),
    bom: from.bytes === 0,
    trim: true,
    skip_empty_lines: true,
    // The line number from the parser's context: cheaper than `info`, which copies an object per row.
    on_record: (record: Record<string, string>, context) => {
      settle(context);
      return { line: from.line + context.lines, end: from.bytes + context.bytes, record };
    },
    max_record_size: MAX_ROW_BYTES,
    skip_records_with_error: true,
    on_skip: (error) => {
      if (!error) return;
      const line = from.line + Number(error.lines);
      if (!FATAL_CSV_ERRORS.has(error.code)) {
        settle(error as unknown as { lines: number; empty_lines: number });
        // Its message counts lines from where this read began; the row says the file's line.
        return void skipped.push({ line, error: error.message.replace(/\b(at|on) line \d+\b/, `$1 line ${line}`) });
      }
      if (fatal) return;
      const start = from.line + settled.lines + 1 + (Number(error.empty_lines) - settled.emptyLines);
      fatal = new InputError(
        error.code === 'CSV_QUOTE_NOT_CLOSED'
          ? `Quote Not Closed: the quote in the row that starts at line ${start} never closes`
          : `Max Record Size: the row that starts at line ${start} is over ${MAX_ROW_BYTES} bytes ` +
              `(or opens a quote that never closes)`,
        start,
      );
      // Stop feeding the parser rather than fail it: failing would discard rows it parsed but
      // has not handed over yet, and those are good rows.
      input.unpipe(parser);
      parser.end();
    },
  });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  try {
    for await (const row of parser as AsyncIterable<SourceRow>) {
      // The parser skips records as it reads ahead: hand over those before this row first, so rows
      // come in file order and a checkpoint at a row counts every row before it.
      while (skipped.length && skipped[0]!.line < row.line) yield skipped.shift()!;
      yield row;
    }
    yield* skipped.splice(0);
  } catch (err) {
    throw asInputError(err);
  }
  if (fatal) throw fatal;
}

function checkHeader(header: string[]): string[] {
  const seen = new Set<string>();
  for (const name of header) {
    if (!name) throw new InputError('the CSV header has an empty column name');
    if (seen.has(name)) throw new InputError(`the CSV header names column "${name}" twice`);
    seen.add(name);
  }
  return header;
}

/** NDJSON split by hand rather than by readline: the byte offset of each line's end is the checkpoint. */
export async function* readNdjsonRows(input: Readable, from: ReadFrom = START): AsyncGenerator<SourceRow> {
  let line = from.line;
  let end = from.bytes;
  // The start of a line that runs on into the next chunk; bounded by MAX_ROW_BYTES.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const take = (piece: Buffer): SourceRow | undefined => {
    const bytes = pendingBytes + piece.length;
    line++;
    if (bytes > MAX_ROW_BYTES) throw new InputError(`line ${line} is longer than ${MAX_ROW_BYTES} bytes`, line);
    const text = (pending.length ? Buffer.concat([...pending, piece]) : piece).toString('utf8');
    pending = [];
    pendingBytes = 0;
    end += bytes;
    return ndjsonRow(line === 1 ? text.replace(/^\uFEFF/, '') : text, line, end);
  };
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      for (let start = 0; ;) {
        const newline = chunk.indexOf(10, start);
        if (newline === -1) {
          if (pendingBytes + chunk.length - start > MAX_ROW_BYTES)
            throw new InputError(`line ${line + 1} is longer than ${MAX_ROW_BYTES} bytes`, line + 1);
          if (start < chunk.length) pending.push(chunk.subarray(start));
          pendingBytes += chunk.length - start;
          break;
        }
        end += 1; // the newline
        const row = take(chunk.subarray(start, newline));
        if (row) yield row;
        start = newline + 1;
      }
    }
    // A last line without a newline.
    if (pendingBytes) {
      const row = take(Buffer.alloc(0));
      if (row) yield row;
    }
  } catch (err) {
    throw asInputError(err);
  }
}

function ndjsonRow(json: string, line: number, end: number): SourceRow | undefined {
  if (!json.trim()) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { line, end, error: 'not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { line, end, error: 'must be a JSON object' };
  return { line, end, record: value as Record<string, unknown> };
}

function asInputError(err: unknown): InputError {
  if (err instanceof InputError) return err;
  const e = err as { code?: string; message?: string };
  // A client that hangs up mid-upload ends the body with ECONNRESET / "aborted".
  if (e.code === 'ECONNRESET' || e.code === 'ERR_STREAM_PREMATURE_CLOSE' || e.message === 'aborted') {
    return new InputError('the upload was interrupted');
  }
  return new InputError(e.message ?? String(err), undefined, { cause: err });
}
