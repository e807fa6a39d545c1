// Bulk imports on a real PostgreSQL, without Temporal: each kind from CSV and NDJSON, the per-row
// error report, and re-imports that update rather than duplicate. The import runs as its job runs
// it, chunk by chunk from the checkpoint in its row, but each chunk here writes one batch of 3 rows
// and ends, so every file is resumed from a checkpoint again and again, and every line number and
// count below is what a resumed import reports.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import pino from 'pino';
import { createImportService, type ImportService } from '../../src/imports/import-service';
import { endImport } from '../../src/imports/end-import';
import { runImportChunk } from '../../src/imports/import-chunk';
import type { ImportFormat, ImportKind } from '../../src/contracts/requests/import-kinds';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { loadProfileScope } from '../../src/customers/profile-scope';
import { evaluate } from '../../src/core/conditions';

let database: TestDatabase;
let imports: ImportService;
let dir: string;

beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'kairos-import-service-'));
  // The jobs are run by the test itself (runToEnd), as the import workflow would run them.
  const jobs = { start: async () => undefined, cancel: async () => undefined };
  imports = createImportService({
    db: database.db,
    logger: pino({ level: 'silent' }),
    jobs,
    storage: { uploadDir: dir, sourceDirs: [dir] },
  });
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await database.drop();
});

/** The import workflow's loop, in process: chunks until the import is done, then its end. */
async function runToEnd(importId: string, batchSize = 3): Promise<void> {
  try {
    while ((await runImportChunk(database.db, importId, { batchSize, chunkMs: 0 })) === 'more');
  } catch (err) {
    await endImport(database.db, { importId, failure: (err as Error).message });
    throw err;
  }
  await endImport(database.db, { importId });
}

async function run(kind: ImportKind, format: ImportFormat, text: string, batchSize?: number) {
  const started = await imports.upload({ kind, format, gzip: false, body: Readable.from([Buffer.from(text)]) });
  expect(started.status).toBe('queued');
  await runToEnd(started.id, batchSize);
  return (await imports.get(started.id))!;
}
const ndjson = (...rows: unknown[]) =>
  rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

describe('customers', () => {
  it('imports a CSV: identifiers, time zone, other columns as traits; bad rows are reported by line', async () => {
    const report = await run(
      'customers',
      'csv',
      'id,email,loyaltyId,timezone,firstName,city\n' +
        'c-1,Ana@Example.com,L-1,Europe/Ljubljana,Ana,Ljubljana\n' +
        'c-2,not-an-email,,,Bo,\n' +
        ',nobody@example.com,,,,\n' +
        'c-3,,,Mars/Olympus,Cy,\n' +
        'c-4,,,,Dee,Maribor\n',
    );
    expect(report).toMatchObject({ kind: 'customers', format: 'csv', status: 'completed', rowsOk: 2, rowsFailed: 3 });
    expect(report.errors).toEqual([
      { row: 3, path: '$.email', message: 'must be an email address' },
      { row: 4, path: '$.id', message: 'is required' },
      { row: 5, path: '$.timezone', message: expect.stringContaining('IANA time zone') },
    ]);
    const ana = await database.db.customer.findUniqueOrThrow({ where: { id: 'c-1' }, include: { identifiers: true } });
    expect(ana).toMatchObject({ timezone: 'Europe/Ljubljana', traits: { firstName: 'Ana', city: 'Ljubljana' } });
    expect(ana.identifiers.map((i) => `${i.kind}=${i.value}`).sort()).toEqual([
      'email=ana@example.com',
      'loyaltyId=L-1',
    ]);
    expect(await database.db.customer.findUnique({ where: { id: 'c-2' } })).toBeNull();
  });

  it('imports NDJSON: numeric ids, a traits object, malformed lines reported', async () => {
    const report = await run(
      'customers',
      'ndjson',
      ndjson(
        { id: 501, email: 'n1@example.com', traits: { vip: true }, tier: 'gold' },
        '{"id": "n-2", oops',
        '[1,2]',
        '',
        { id: 'n-3', anonymousId: 'anon-3', firstName: null },
      ),
    );
    expect(report).toMatchObject({ status: 'completed', rowsOk: 2, rowsFailed: 2 });
    expect(report.errors).toEqual([
      { row: 2, path: '$', message: 'not valid JSON' },
      { row: 3, path: '$', message: 'must be a JSON object' },
    ]);
    expect(await database.db.customer.findUniqueOrThrow({ where: { id: '501' } })).toMatchObject({
      traits: { vip: true, tier: 'gold' },
    });
    expect(
      await database.db.customerIdentifier.findUnique({
        where: { kind_value: { kind: 'anonymousId', value: 'anon-3' } },
      }),
    ).toMatchObject({ customerId: 'n-3' });
  });

  it(
    'types CSV trait cells: canonical JSON numbers become numbers, ' + 'true and false booleans, the rest text',
    async () => {
      const report = await run(
        'customers',
        'csv',
        'id,points,ratio,debt,vip,churned,zip,sci,padded,big,word,note\n' +
          't-1,850,0.5,-12,true,false,01234,1e3,850.50,12345678901234567890,TRUE,"850"\n',
      );
      expect(report).toMatchObject({ status: 'completed', rowsOk: 1 });
      const { traits } = await database.db.customer.findUniqueOrThrow({ where: { id: 't-1' } });
      expect(traits).toEqual({
        points: 850,
        ratio: 0.5,
        debt: -12,
        vip: true,
        churned: false,
        // Not the canonical text of a number or a boolean, so kept exactly as written.
        zip: '01234',
        sci: '1e3',
        padded: '850.50',
        big: '12345678901234567890',
        word: 'TRUE',
        // Quoting does not change a cell's type: a value that must stay text goes in the traits JSON column.
        note: 850,
      });
    },
  );

  it('a CSV-imported number meets a numeric condition as the same value from the traits column does', async () => {
    await run('customers', 'csv', 'id,points,traits\nt-2,850,\nt-3,,"{""points"": 850}"\nt-4,120,\n');
    const condition = { field: 'profile.points', op: 'gte', value: 500 } as const;
    const verdicts = await Promise.all(
      ['t-2', 't-3', 't-4'].map(async (id) => evaluate(condition, await loadProfileScope(database.db, id))),
    );
    expect(verdicts).toEqual([true, true, false]);
  });

  it('re-imports merge traits, and an identifier held by another customer rejects the row', async () => {
    const report = await run(
      'customers',
      'csv',
      'id,email,city\nc-1,,Koper\nc-9,ana@example.com,Bled\nc-9,c9@example.com,Bled\n',
    );
    expect(report).toMatchObject({ rowsOk: 2, rowsFailed: 1 });
    expect(report.errors).toEqual([{ row: 3, path: '$.email', message: 'already identifies customer c-1' }]);
    expect(await database.db.customer.findUniqueOrThrow({ where: { id: 'c-1' } })).toMatchObject({
      timezone: 'Europe/Ljubljana',
      traits: { firstName: 'Ana', city: 'Koper' },
    });
    expect(await database.db.customerIdentifier.count({ where: { value: 'ana@example.com' } })).toBe(1);
  });
});

describe('products', () => {
  it('imports a CSV with stock levels and JSON attributes; re-import updates stock without duplicates', async () => {
    const csv =
      'id,name,category,price,stock,targetStock,attributes\n' +
      'p-1,Linen dress,dresses,89.90,12,10,"{""collection"":""summer""}"\n' +
      'p-2,Straw hat,hats,,3,,\n' +
      'p-3,Sandals,shoes,49.5,-1,,\n';
    const first = await run('products', 'csv', csv);
    expect(first).toMatchObject({
      rowsOk: 2,
      rowsFailed: 1,
      errors: [{ row: 4, path: '$.stock', message: 'must be 0 or more' }],
    });

    const again = await run('products', 'csv', 'id,name,stock\np-1,Linen dress,4\np-2,Straw hat,0\n');
    expect(again).toMatchObject({ status: 'completed', rowsOk: 2, rowsFailed: 0 });
    const products = await database.db.product.findMany({ orderBy: { id: 'asc' } });
    expect(products).toHaveLength(2);
    // Columns the second file did not have keep their values; stock follows the latest file.
    expect(products[0]).toMatchObject({
      id: 'p-1',
      stock: 4,
      targetStock: 10,
      category: 'dresses',
      attributes: { collection: 'summer' },
    });
    expect(Number(products[0]!.price)).toBe(89.9);
    expect(products[1]).toMatchObject({ id: 'p-2', stock: 0, price: null });
  });

  it('imports NDJSON; an unknown column or a non-object attributes fails the row', async () => {
    const report = await run(
      'products',
      'ndjson',
      ndjson(
        { id: 'p-4', name: 'Tote bag', stock: 7, price: 19.99, attributes: { pairsWith: ['dresses'] } },
        { id: 'p-5', name: 'Belt', stock: 2, colour: 'red' },
        { id: 'p-6', name: 'Scarf', stock: '5', attributes: 'nope' },
        { id: 'p-4', name: 'Tote bag', stock: 6, targetStock: 3 },
      ),
    );
    expect(report).toMatchObject({ rowsOk: 2, rowsFailed: 2 });
    expect(report.errors).toEqual([
      { row: 2, path: '$', message: 'Unrecognized key: "colour"' },
      { row: 3, path: '$.attributes', message: 'must be a JSON object' },
    ]);
    expect(await database.db.product.findUniqueOrThrow({ where: { id: 'p-4' } })).toMatchObject({
      stock: 6,
      targetStock: 3,
      attributes: { pairsWith: ['dresses'] },
    });
  });
});

describe('purchases', () => {
  const header = 'orderId,customerId,productId,quantity,price,orderedAt\n';

  it('lands CSV purchases in order_lines; unknown customers and products are row errors', async () => {
    const report = await run(
      'purchases',
      'csv',
      header +
        'o-1,c-1,p-1,1,89.90,2025-03-01T10:00:00Z\n' +
        'o-1,c-1,p-2,2,,2025-03-01T10:00:00Z\n' +
        'o-2,c-1,p-nope,1,,2025-04-01T09:30:00+02:00\n' +
        'o-3,c-ghost,p-1,1,,2025-04-01\n' +
        'o-4,c-4,p-4,,,yesterday\n' +
        'o-5,c-4,p-4,,,2025-05-01\n',
    );
    expect(report).toMatchObject({ status: 'completed', rowsOk: 3, rowsFailed: 3 });
    expect(report.errors).toEqual([
      { row: 4, path: '$.productId', message: 'unknown product p-nope' },
      { row: 5, path: '$.customerId', message: 'unknown customer c-ghost' },
      { row: 6, path: '$.orderedAt', message: expect.stringContaining('ISO 8601') },
    ]);
    const lines = await database.db.orderLine.findMany({ orderBy: [{ orderId: 'asc' }, { productId: 'asc' }] });
    expect(lines.map((l) => ({ ...l, price: l.price === null ? null : Number(l.price) }))).toEqual([
      {
        orderId: 'o-1',
        productId: 'p-1',
        customerId: 'c-1',
        quantity: 1,
        price: 89.9,
        orderedAt: new Date('2025-03-01T10:00:00Z'),
      },
      {
        orderId: 'o-1',
        productId: 'p-2',
        customerId: 'c-1',
        quantity: 2,
        price: null,
        orderedAt: new Date('2025-03-01T10:00:00Z'),
      },
      {
        orderId: 'o-5',
        productId: 'p-4',
        customerId: 'c-4',
        quantity: 1,
        price: null,
        orderedAt: new Date('2025-05-01T00:00:00Z'),
      },
    ]);
  });

  it('re-importing purchases (NDJSON) replaces lines instead of duplicating them', async () => {
    const report = await run(
      'purchases',
      'ndjson',
      ndjson(
        {
          orderId: 'o-1',
          customerId: 'c-1',
          productId: 'p-1',
          quantity: 3,
          price: 80,
          orderedAt: '2025-03-01T10:00:00Z',
        },
        { orderId: 'o-6', customerId: '501', productId: 'p-2', orderedAt: '2025-06-01T08:00:00.000+01:00' },
        {
          orderId: 'o-6',
          customerId: '501',
          productId: 'p-2',
          quantity: 2,
          orderedAt: '2025-06-01T08:00:00.000+01:00',
        },
        { orderId: 'o-7', customerId: 'c-1', productId: 'p-1', quantity: 0, orderedAt: '2025-06-01T08:00:00Z' },
      ),
    );
    expect(report).toMatchObject({ rowsOk: 3, rowsFailed: 1, errors: [{ row: 4, path: '$.quantity' }] });
    expect(await database.db.orderLine.count()).toBe(4);
    expect(
      await database.db.orderLine.findUniqueOrThrow({
        where: { orderId_productId: { orderId: 'o-1', productId: 'p-1' } },
      }),
    ).toMatchObject({ quantity: 3 });
    expect(
      await database.db.orderLine.findUniqueOrThrow({
        where: { orderId_productId: { orderId: 'o-6', productId: 'p-2' } },
      }),
    ).toMatchObject({
      quantity: 2,
      orderedAt: new Date('2025-06-01T07:00:00Z'),
    });
  });
});

describe('the report', () => {
  it('reports a malformed CSV line and carries on with the next', async () => {
    const report = await run('customers', 'csv', 'id,firstName\nm-1,Ana\nm-2,Bo,extra\nm-3,x"y\nm-4,Dee\n');
    expect(report).toMatchObject({ status: 'completed', rowsOk: 2, rowsFailed: 2 });
    expect(report.errors.map((e) => [e.row, e.path])).toEqual([
      [3, '$'],
      [4, '$'],
    ]);
    expect(report.errors[0]!.message).toMatch(/Invalid Record Length/);
    expect(await database.db.customer.count({ where: { id: { in: ['m-1', 'm-4'] } } })).toBe(2);
  });

  it('stops, keeping the rows before it, when a quote never closes', async () => {
    const report = await run('customers', 'csv', 'id,firstName\nq-1,Ana\nq-2,"Bo\nq-3,Cy\n');
    expect(report.status).toBe('failed');
    expect(report.finishedAt).toBeInstanceOf(Date);
    expect(report.errors.at(-1)).toMatchObject({
      row: 3,
      path: '$',
      message: expect.stringMatching(/^import stopped: Quote Not Closed: .* line 3 /),
    });
    expect(await database.db.customer.count({ where: { id: { startsWith: 'q-' } } })).toBe(1);
  });

  it('keeps the first 1,000 errors and counts them all, in the imports table', async () => {
    const rows = Array.from({ length: 1500 }, (_, i) => `bad-${i},not-an-email`).join('\n');
    const report = await run('customers', 'csv', `id,email\nok-1,ok@example.com\n${rows}\n`, 100);
    expect(report).toMatchObject({ rowsOk: 1, rowsFailed: 1500 });
    expect(report.errors).toHaveLength(1000);
    expect(report.errors[0]).toEqual({ row: 3, path: '$.email', message: 'must be an email address' });
    const stored = await imports.get(report.id);
    expect(stored).toEqual(report);
    expect(await imports.get('no-such-import')).toBeNull();
  });

  it('marks the import failed, keeping the batches before, when the database refuses a batch', async () => {
    await database.db.$executeRawUnsafe('ALTER TABLE products ADD CONSTRAINT test_small_stock CHECK (stock < 100)');
    try {
      await expect(
        run('products', 'csv', 'id,name,stock\nz-1,Zed,1\nz-2,Zed,2\nz-3,Zed,3\nz-4,Zed,500\n'),
      ).rejects.toThrow(/test_small_stock/);
    } finally {
      await database.db.$executeRawUnsafe('ALTER TABLE products DROP CONSTRAINT test_small_stock');
    }
    const last = await database.db.import.findFirstOrThrow({ orderBy: { startedAt: 'desc' } });
    // The first batch (3 rows) was written before the second was refused.
    expect(last).toMatchObject({ kind: 'products', status: 'failed', rowsOk: 3, finishedAt: expect.any(Date) });
    expect((await imports.get(last.id))!.errors.at(-1)).toMatchObject({
      row: 5,
      message: expect.stringMatching(/^import stopped: .*test_small_stock/),
    });
  });
});

// Issue 13 §2: the import rows obey the API's rules (src/api/validate.ts). A row that PostgreSQL
// could not store, or that breaks a rule, is a failed row naming the field; it never fails the
// import (a 500 over HTTP) and never leaves part of itself behind.
describe('rows that break the input rules are failed rows naming the field', () => {
  /** JSON text nested `depth` objects deep (`{"a": {"a": ... 1}}`). */
  const nest = (depth: number) => `${'{"a": '.repeat(depth)}1${'}'.repeat(depth)}`;
  const NUL = /NUL/;
  const counts = async () => {
    const db = database.db;
    return {
      customers: await db.customer.count(),
      identifiers: await db.customerIdentifier.count(),
      products: await db.product.count(),
      orderLines: await db.orderLine.count(),
    };
  };

  it('customers CSV: NUL in the id, an identifier, a trait cell or a column name', async () => {
    const report = await run(
      'customers',
      'csv',
      'id,email,loyaltyId,city\n' +
        'nul-1,nul1@example.com,L-n1,Ljubljana\n' +
        'nul-2\u0000,nul2@example.com,,Bled\n' +
        'nul-3,nul3@example.com,L\u0000-3,Bled\n' +
        'nul-4,nul4@example.com,,Bl\u0000ed\n' +
        'nul-5,nul5@example.com,,Koper\n',
    );
    expect(report).toMatchObject({ status: 'completed', rowsOk: 2, rowsFailed: 3 });
    expect(report.errors).toEqual([
      { row: 3, path: '$.id', message: expect.stringMatching(NUL) },
      { row: 4, path: '$.loyaltyId', message: expect.stringMatching(NUL) },
      { row: 5, path: '$.city', message: expect.stringMatching(NUL) },
    ]);
    expect(
      (await database.db.customer.findMany({ where: { id: { startsWith: 'nul-' } }, orderBy: { id: 'asc' } })).map(
        (c) => c.id,
      ),
    ).toEqual(['nul-1', 'nul-5']);
    expect(
      await database.db.customerIdentifier.count({
        where: { value: { in: ['nul2@example.com', 'nul3@example.com', 'nul4@example.com'] } },
      }),
    ).toBe(0);

    const header = await run('customers', 'csv', 'id,ci\u0000ty\nnul-6,Bled\n');
    // The report is stored as jsonb, which cannot hold NUL either: a key that has one is named with it escaped.
    expect(header).toMatchObject({
      status: 'completed',
      rowsOk: 0,
      rowsFailed: 1,
      errors: [{ row: 2, path: '$.ci\\u0000ty', message: expect.stringMatching(NUL) }],
    });
    expect(await database.db.customer.findUnique({ where: { id: 'nul-6' } })).toBeNull();

    // A header the import cannot go on from is its stop reason, stored in the report as the rest are.
    const twice = await run('customers', 'csv', 'id,a\u0000,a\u0000\nnul-7,1,2\n');
    expect(twice).toMatchObject({
      status: 'failed',
      errors: [{ path: '$', message: 'import stopped: the CSV header names column "a\\u0000" twice' }],
    });
  });

  it(
    'customers NDJSON: traits with NUL, deep nesting, ' +
      'unpaired surrogates or __proto__, as a traits object or as columns',
    async () => {
      const before = await counts();
      const report = await run(
        'customers',
        'ndjson',
        [
          JSON.stringify({ id: 'j-1', email: 'j1@example.com', traits: { note: 'a\u0000b' } }),
          `{"id": "j-2", "email": "j2@example.com", "traits": ${nest(33)}}`,
          JSON.stringify({ id: 'j-3', anonymousId: '\u0000' }),
          '{"id": "j-4", "email": "j4@example.com", "__proto__": {"admin": true}}',
          '{"id": "j-5", "traits": {"__proto__": {"admin": true}}}',
          '{"id": "j-6", "email": "j6@example.com", "nick": "\\ud800"}',
          `{"id": "j-7", "email": "j7@example.com", "tier": ${nest(10_000)}}`,
          JSON.stringify({ id: 'j-8', 'k\u0000': 1 }),
          JSON.stringify({ id: 'j-9', email: 'j9@example.com', nick: 'x\u0000' }),
        ].join('\n') + '\n',
      );
      expect(report).toMatchObject({ status: 'completed', rowsOk: 0, rowsFailed: 9 });
      expect(report.errors).toEqual([
        { row: 1, path: '$.traits.note', message: expect.stringMatching(NUL) },
        { row: 2, path: `$.traits${'.a'.repeat(32)}`, message: expect.stringMatching(/deeper than 32/) },
        { row: 3, path: '$.anonymousId', message: expect.stringMatching(NUL) },
        { row: 4, path: '$.__proto__', message: expect.stringMatching(/__proto__/) },
        { row: 5, path: '$.traits.__proto__', message: expect.stringMatching(/__proto__/) },
        { row: 6, path: '$.nick', message: expect.stringMatching(/surrogate/) },
        { row: 7, path: `$.tier${'.a'.repeat(31)}`, message: expect.stringMatching(/deeper than 32/) },
        { row: 8, path: '$.k\\u0000', message: expect.stringMatching(NUL) },
        { row: 9, path: '$.nick', message: expect.stringMatching(NUL) },
      ]);
      expect(await counts()).toEqual(before);
    },
  );

  it('customers NDJSON: traits up to 32 levels deep are kept, whether a traits object or a column', async () => {
    const report = await run(
      'customers',
      'ndjson',
      `{"id": "deep-1", "traits": ${nest(32)}}\n{"id": "deep-2", "tier": ${nest(31)}}\n`,
    );
    expect(report).toMatchObject({ status: 'completed', rowsOk: 2, rowsFailed: 0 });
    expect(await database.db.customer.findUniqueOrThrow({ where: { id: 'deep-1' } })).toMatchObject({
      traits: JSON.parse(nest(32)),
    });
    expect(await database.db.customer.findUniqueOrThrow({ where: { id: 'deep-2' } })).toMatchObject({
      traits: { tier: JSON.parse(nest(31)) },
    });
  });

  it('products: NUL in the id, name, category or attributes; attributes too deep', async () => {
    const before = await counts();
    const report = await run(
      'products',
      'ndjson',
      [
        JSON.stringify({ id: 'pn-1\u0000', name: 'Hat', stock: 1 }),
        JSON.stringify({ id: 'pn-2', name: 'H\u0000at', stock: 1 }),
        JSON.stringify({ id: 'pn-3', name: 'Hat', category: '\u0000', stock: 1 }),
        JSON.stringify({ id: 'pn-4', name: 'Hat', stock: 1, attributes: { colour: 'r\u0000ed' } }),
        `{"id": "pn-5", "name": "Hat", "stock": 1, "attributes": ${nest(40)}}`,
        '{"id": "pn-6", "name": "Hat", "stock": 1, "attributes": {"__proto__": {"x": 1}}}',
        '{"id": "pn-7", "name": "Hat", "stock": 1, "__proto__": {"x": 1}}',
      ].join('\n') + '\n',
    );
    expect(report).toMatchObject({ status: 'completed', rowsOk: 0, rowsFailed: 7 });
    expect(report.errors).toEqual([
      { row: 1, path: '$.id', message: expect.stringMatching(NUL) },
      { row: 2, path: '$.name', message: expect.stringMatching(NUL) },
      { row: 3, path: '$.category', message: expect.stringMatching(NUL) },
      { row: 4, path: '$.attributes.colour', message: expect.stringMatching(NUL) },
      { row: 5, path: `$.attributes${'.a'.repeat(32)}`, message: expect.stringMatching(/deeper than 32/) },
      { row: 6, path: '$.attributes.__proto__', message: expect.stringMatching(/__proto__/) },
      { row: 7, path: '$', message: 'Unrecognized key: "__proto__"' },
    ]);
    // JSON text in a CSV cell writes NUL as the escape \u0000 (a raw one is not JSON).
    const csv = await run('products', 'csv', 'id,name,stock,attributes\npn-7,Hat,1,"{""k\\u0000"": 1}"\npn-8,Hat,1,\n');
    expect(csv).toMatchObject({
      status: 'completed',
      rowsOk: 1,
      rowsFailed: 1,
      errors: [{ row: 2, path: '$.attributes.k\\u0000', message: expect.stringMatching(NUL) }],
    });
    expect(await counts()).toEqual({ ...before, products: before.products + 1 });
  });

  it('purchases: NUL in an id; orderedAt outside 2000-01-01 .. 24 hours from now', async () => {
    await run('customers', 'csv', 'id\npc-1\n');
    await run('products', 'csv', 'id,name,stock\npp-1,Hat,1\n');
    const before = await counts();
    const future = new Date(Date.now() + 25 * 3_600_000).toISOString();
    const report = await run(
      'purchases',
      'csv',
      'orderId,customerId,productId,orderedAt\n' +
        'po-1\u0000,pc-1,pp-1,2025-03-01T10:00:00Z\n' +
        'po-2,pc-1\u0000,pp-1,2025-03-01T10:00:00Z\n' +
        'po-3,pc-1,pp-1\u0000,2025-03-01T10:00:00Z\n' +
        'po-4,pc-1,pp-1,9999-01-01T00:00:00Z\n' +
        'po-5,pc-1,pp-1,1999-12-31\n' +
        'po-6,pc-1,pp-1,0001-01-01T00:00:00Z\n' +
        `po-7,pc-1,pp-1,${future}\n` +
        'po-8,pc-1,pp-1,2000-01-01\n',
    );
    expect(report).toMatchObject({ status: 'completed', rowsOk: 1, rowsFailed: 7 });
    const WINDOW = /between 2000-01-01 and 24 hours from now/;
    expect(report.errors).toEqual([
      { row: 2, path: '$.orderId', message: expect.stringMatching(NUL) },
      { row: 3, path: '$.customerId', message: expect.stringMatching(NUL) },
      { row: 4, path: '$.productId', message: expect.stringMatching(NUL) },
      { row: 5, path: '$.orderedAt', message: expect.stringMatching(WINDOW) },
      { row: 6, path: '$.orderedAt', message: expect.stringMatching(WINDOW) },
      { row: 7, path: '$.orderedAt', message: expect.stringMatching(WINDOW) },
      { row: 8, path: '$.orderedAt', message: expect.stringMatching(WINDOW) },
    ]);
    expect(await counts()).toEqual({ ...before, orderLines: before.orderLines + 1 });
    expect(await database.db.orderLine.findMany({ where: { customerId: 'pc-1' }, select: { orderId: true } })).toEqual([
      { orderId: 'po-8' },
    ]);
  });
});
