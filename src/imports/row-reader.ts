// Turns an upload stream into rows with their line numbers: CSV (the header names the fields) or
// NDJSON. A malformed line is a row with an error; input that cannot be read on from is an InputError.
import { createInterface } from 'node:readline';
import { pipeline, Transform, type Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { ImportFormat } from '../contracts/requests/import-kinds';

/** Longest row accepted; it bounds the memory one row can take. */
export const MAX_ROW_BYTES = 1024 * 1024;

export type SourceRow = { line: number; record: Record<string, unknown> } | { line: number; error: string };

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

export function readRows(format: ImportFormat, input: Readable): AsyncIterable<SourceRow> {
  return format === 'csv' ? readCsvRows(input) : readNdjsonRows(input);
}

// csv-parse skips a record it cannot parse and carries on, except after these: an unclosed quote
// swallows the rest of the input and an oversized record makes it drop every later chunk.
const FATAL_CSV_ERRORS = new Set(['CSV_QUOTE_NOT_CLOSED', 'CSV_MAX_RECORD_SIZE']);

export async function* readCsvRows(input: Readable): AsyncGenerator<SourceRow> {
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
    columns: (header: string[]) => {
      settle(parser.info);
      return checkHeader(header);
    },
    bom: true,
    trim: true,
    skip_empty_lines: true,
    // The line number from the parser's context: cheaper than `info`, which copies an object per row.
    on_record: (record: Record<string, string>, context) => {
      settle(context);
      return { line: context.lines, record };
    },
    max_record_size: MAX_ROW_BYTES,
    skip_records_with_error: true,
    on_skip: (error) => {
      if (!error) return;
      const line = Number(error.lines);
      if (!FATAL_CSV_ERRORS.has(error.code)) {
        settle(error as unknown as { lines: number; empty_lines: number });
        return void skipped.push({ line, error: error.message });
      }
      if (fatal) return;
      const start = settled.lines + 1 + (Number(error.empty_lines) - settled.emptyLines);
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
      yield* skipped.splice(0);
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

export async function* readNdjsonRows(input: Readable): AsyncGenerator<SourceRow> {
  const guarded = new Transform({ transform: limitLineLength() });
  pipeline(input, guarded, () => undefined);
  let line = 0;
  try {
    for await (const text of createInterface({ input: guarded, crlfDelay: Infinity })) {
      line++;
      const json = line === 1 ? text.replace(/^\uFEFF/, '') : text;
      if (!json.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(json);
      } catch {
        yield { line, error: 'not valid JSON' };
        continue;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        yield { line, error: 'must be a JSON object' };
      else yield { line, record: value as Record<string, unknown> };
    }
  } catch (err) {
    throw asInputError(err);
  }
}

/** readline has no line limit of its own: without this, one endless line would be held whole in memory. */
function limitLineLength(): Transform['_transform'] {
  let lineBytes = 0;
  let lines = 1;
  return (chunk: Buffer, _encoding, done) => {
    for (let start = 0; ;) {
      const newline = chunk.indexOf(10, start);
      lineBytes += (newline === -1 ? chunk.length : newline) - start;
      if (lineBytes > MAX_ROW_BYTES)
        return done(new InputError(`line ${lines} is longer than ${MAX_ROW_BYTES} bytes`, lines));
      if (newline === -1) break;
      lineBytes = 0;
      lines++;
      start = newline + 1;
    }
    done(null, chunk);
  };
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
