// The row readers: line numbers, where each row ends (the checkpoint a read resumes from), malformed
// lines as row errors, and the inputs that stop a read.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import {
  InputError,
  MAX_ROW_BYTES,
  readCsvRows,
  readNdjsonRows,
  readRows,
  type ReadFrom,
  type SourceRow,
} from '../../src/imports/row-reader';

async function collect(rows: AsyncIterable<SourceRow>): Promise<{ rows: SourceRow[]; stopped?: InputError }> {
  const out: SourceRow[] = [];
  try {
    for await (const row of rows) out.push(row);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return { rows: out, stopped: err };
  }
  return { rows: out };
}

const stream = (...chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c)));

describe('readCsvRows', () => {
  // csv-parse counts a CRLF *inside* a quoted field as two lines, so such files report later lines.
  it('numbers rows by file line, across a BOM, CRLF, blank lines and quoted newlines', async () => {
    const { rows } = await collect(readCsvRows(stream('\uFEFFid,note\r\n1,a\r\n\r\n2,"two\nlines"\r\n3,', 'c\r\n')));
    expect(rows).toEqual([
      { line: 2, end: 17, record: { id: '1', note: 'a' } },
      { line: 5, end: 34, record: { id: '2', note: 'two\nlines' } },
      { line: 6, end: 39, record: { id: '3', note: 'c' } },
    ]);
  });

  it('stops at an oversized record but hands over every row before it', async () => {
    const good = Array.from({ length: 50 }, (_, i) => `${i},ok\n`).join('');
    const { rows, stopped } = await collect(
      readCsvRows(stream(`id,note\n${good}99,${'x'.repeat(MAX_ROW_BYTES + 10)}\n100,lost\n`)),
    );
    expect(rows).toHaveLength(50);
    expect(stopped?.message).toMatch(/Max Record Size/);
    expect(stopped?.line).toBe(52);
  });

  it('names the line where a quote that never closes opens, not the end of the file', async () => {
    const rows = Array.from({ length: 999 }, (_, i) => (i === 498 ? `${i},"opens here and never closes` : `${i},ok`));
    const { rows: read, stopped } = await collect(readCsvRows(stream(`id,note\n${rows.join('\n')}\n`)));
    expect(read).toHaveLength(498);
    expect(stopped?.line).toBe(500);
    expect(stopped?.message).toBe('Quote Not Closed: the quote in the row that starts at line 500 never closes');
  });

  it('counts blank lines, quoted newlines and skipped rows before the row whose quote never closes', async () => {
    const { rows, stopped } = await collect(
      readCsvRows(stream('id,note\n1,"two\nlines"\n\n\n2,too,many\n3,x"y\n4,ok\n\n5,"open\n6,ok\n7,ok\n')),
    );
    expect(rows.map((r) => r.line).sort((a, b) => a - b)).toEqual([3, 6, 7, 8]);
    expect(stopped?.line).toBe(10);
  });

  it('names the line where an oversized row starts', async () => {
    const { stopped } = await collect(
      readCsvRows(stream(`id,note\n1,ok\n2,"${'x\n'.repeat(MAX_ROW_BYTES / 2 + 10)}"\n`)),
    );
    expect(stopped?.message).toMatch(/Max Record Size/);
    expect(stopped?.line).toBe(3);
  });

  it('refuses a header that names a column twice', async () => {
    const { rows, stopped } = await collect(readCsvRows(stream('id,email,id\n1,a@b.c,2\n')));
    expect(rows).toEqual([]);
    expect(stopped?.message).toMatch(/names column "id" twice/);
  });
});

describe('readNdjsonRows', () => {
  it('numbers lines, skips blank ones, and reports lines that are not JSON objects', async () => {
    const { rows } = await collect(readNdjsonRows(stream('\uFEFF{"id":1}\r\n\n{"id":', '2}\nnull\n{oops\n')));
    expect(rows).toEqual([
      { line: 1, end: 13, record: { id: 1 } },
      { line: 3, end: 23, record: { id: 2 } },
      { line: 4, end: 28, error: 'must be a JSON object' },
      { line: 5, end: 34, error: 'not valid JSON' },
    ]);
  });

  it('stops at a line longer than the limit instead of buffering it', async () => {
    const { rows, stopped } = await collect(
      readNdjsonRows(stream('{"id":1}\n', `{"id":"${'x'.repeat(MAX_ROW_BYTES)}`, 'x"}\n')),
    );
    expect(rows).toEqual([{ line: 1, end: 9, record: { id: 1 } }]);
    expect(stopped?.message).toBe(`line 2 is longer than ${MAX_ROW_BYTES} bytes`);
  });

  it('turns a broken upload into an InputError', async () => {
    const body = new Readable({ read() {} });
    body.push('{"id":1}\n');
    setImmediate(() => body.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
    const { stopped } = await collect(readNdjsonRows(body));
    expect(stopped?.message).toBe('the upload was interrupted');
  });
});

// The checkpoint rule: a read resumed at any row's end (with that row's line, and the header the
// first read found) hands over exactly the rows a read from the start hands over after that row.
describe('a read resumed at a row end', () => {
  const cell = fc.oneof(
    fc.constantFrom('', 'a', 'x y', '"q""uote"', '"two\nlines"', '1,5', 'é', '"'),
    fc.string({ maxLength: 4 }),
  );
  const line = fc.oneof(
    fc.array(cell, { minLength: 1, maxLength: 3 }).map((cells) => cells.join(',')),
    fc.constant(''),
  );
  const file = (eol: string) =>
    fc.array(line, { maxLength: 12 }).map((lines) => `id,note${eol}${lines.join(eol)}${eol}`);

  const readAll = async (text: Buffer, format: 'csv' | 'ndjson', from?: ReadFrom) => {
    const header: string[][] = [];
    const input = Readable.from([text.subarray(from?.bytes ?? 0)]);
    const read = await collect(readRows(format, input, from, (h) => header.push(h)));
    return { ...read, header: header[0] };
  };

  it.each([
    ['csv', '\n'],
    ['csv', '\r\n'],
    ['ndjson', '\n'],
  ] as const)('%s with %j line ends', async (format, eol) => {
    const gen =
      format === 'csv'
        ? file(eol)
        : fc
            .array(fc.oneof(fc.json(), fc.constantFrom('', '{oops', '{"a":"é"}')), { maxLength: 12 })
            .map((lines) => lines.join(eol));
    await fc.assert(
      fc.asyncProperty(gen, async (text) => {
        const bytes = Buffer.from(text);
        const whole = await readAll(bytes, format);
        for (const [i, row] of whole.rows.entries()) {
          if (row.end === undefined) continue;
          const resumed = await readAll(bytes, format, { bytes: row.end, line: row.line, header: whole.header });
          expect(resumed.rows).toEqual(whole.rows.slice(i + 1));
          expect(resumed.stopped?.message).toEqual(whole.stopped?.message);
          expect(resumed.stopped?.line).toEqual(whole.stopped?.line);
        }
      }),
      { numRuns: 150 },
    );
  });
});
