// Bulk imports on a real PostgreSQL: each kind from CSV and NDJSON, the per-row error report, and
// re-imports that update rather than duplicate. Batches of 3 so every file spans several batches.
import { Readable } from 'node:stream';
import pino from 'pino';
import { createImportService, type ImportService } from '../../src/imports/import-service';
import type { ImportFormat, ImportKind } from '../../src/imports/import-schemas';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { loadProfileScope } from '../../activities/profile-scope';
import { evaluate } from '../../workflows/journey/conditions';

let database: TestDatabase;
let imports: ImportService;

beforeAll(async () => {
  database = await createTestDatabase();
  imports = createImportService({ db: database.db, logger: pino({ level: 'silent' }), batchSize: 3 });
});
afterAll(async () => {
  await imports.recommendationsRefreshed();
  await database.drop();
});

const run = (kind: ImportKind, format: ImportFormat, text: string) => imports.run({ kind, format, body: Readable.from([Buffer.from(text)]) });
const ndjson = (...rows: unknown[]) => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

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
    expect(ana.identifiers.map((i) => `${i.kind}=${i.value}`).sort()).toEqual(['email=ana@example.com', 'loyaltyId=L-1']);
    expect(await database.db.customer.findUnique({ where: { id: 'c-2' } })).toBeNull();
  });

  it('imports NDJSON: numeric ids, a traits object, malformed lines reported', async () => {
    const report = await run(
      'customers',
      'ndjson',
      ndjson({ id: 501, email: 'n1@example.com', traits: { vip: true }, tier: 'gold' }, '{"id": "n-2", oops', '[1,2]', '', { id: 'n-3', anonymousId: 'anon-3', firstName: null }),
    );
    expect(report).toMatchObject({ status: 'completed', rowsOk: 2, rowsFailed: 2 });
    expect(report.errors).toEqual([
      { row: 2, path: '$', message: 'not valid JSON' },
      { row: 3, path: '$', message: 'must be a JSON object' },
    ]);
    expect(await database.db.customer.findUniqueOrThrow({ where: { id: '501' } })).toMatchObject({ traits: { vip: true, tier: 'gold' } });
    expect(await database.db.customerIdentifier.findUnique({ where: { kind_value: { kind: 'anonymousId', value: 'anon-3' } } })).toMatchObject({ customerId: 'n-3' });
  });

  it('types CSV trait cells: canonical JSON numbers become numbers, true and false booleans, the rest text', async () => {
    const report = await run(
      'customers',
      'csv',
      'id,points,ratio,debt,vip,churned,zip,sci,padded,big,word,note\n' + 't-1,850,0.5,-12,true,false,01234,1e3,850.50,12345678901234567890,TRUE,"850"\n',
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
  });

  it('a CSV-imported number meets a numeric condition as the same value from the traits column does', async () => {
    await run('customers', 'csv', 'id,points,traits\nt-2,850,\nt-3,,"{""points"": 850}"\nt-4,120,\n');
    const condition = { field: 'profile.points', op: 'gte', value: 500 } as const;
    const verdicts = await Promise.all(['t-2', 't-3', 't-4'].map(async (id) => evaluate(condition, await loadProfileScope(database.db, id))));
    expect(verdicts).toEqual([true, true, false]);
  });

  it('re-imports merge traits, and an identifier held by another customer rejects the row', async () => {
    const report = await run('customers', 'csv', 'id,email,city\nc-1,,Koper\nc-9,ana@example.com,Bled\nc-9,c9@example.com,Bled\n');
    expect(report).toMatchObject({ rowsOk: 2, rowsFailed: 1 });
    expect(report.errors).toEqual([{ row: 3, path: '$.email', message: 'already identifies customer c-1' }]);
    expect(await database.db.customer.findUniqueOrThrow({ where: { id: 'c-1' } })).toMatchObject({ timezone: 'Europe/Ljubljana', traits: { firstName: 'Ana', city: 'Koper' } });
    expect(await database.db.customerIdentifier.count({ where: { value: 'ana@example.com' } })).toBe(1);
  });
});

describe('products', () => {
  it('imports a CSV with stock levels and JSON attributes; re-import updates stock without duplicates', async () => {
    const csv = 'id,name,category,price,stock,targetStock,attributes\n' + 'p-1,Linen dress,dresses,89.90,12,10,"{""collection"":""summer""}"\n' + 'p-2,Straw hat,hats,,3,,\n' + 'p-3,Sandals,shoes,49.5,-1,,\n';
    const first = await run('products', 'csv', csv);
    expect(first).toMatchObject({ rowsOk: 2, rowsFailed: 1, errors: [{ row: 4, path: '$.stock', message: 'must be 0 or more' }] });

    const again = await run('products', 'csv', 'id,name,stock\np-1,Linen dress,4\np-2,Straw hat,0\n');
    expect(again).toMatchObject({ status: 'completed', rowsOk: 2, rowsFailed: 0 });
    const products = await database.db.product.findMany({ orderBy: { id: 'asc' } });
    expect(products).toHaveLength(2);
    // Columns the second file did not have keep their values; stock follows the latest file.
    expect(products[0]).toMatchObject({ id: 'p-1', stock: 4, targetStock: 10, category: 'dresses', attributes: { collection: 'summer' } });
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
    expect(await database.db.product.findUniqueOrThrow({ where: { id: 'p-4' } })).toMatchObject({ stock: 6, targetStock: 3, attributes: { pairsWith: ['dresses'] } });
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
      { orderId: 'o-1', productId: 'p-1', customerId: 'c-1', quantity: 1, price: 89.9, orderedAt: new Date('2025-03-01T10:00:00Z') },
      { orderId: 'o-1', productId: 'p-2', customerId: 'c-1', quantity: 2, price: null, orderedAt: new Date('2025-03-01T10:00:00Z') },
      { orderId: 'o-5', productId: 'p-4', customerId: 'c-4', quantity: 1, price: null, orderedAt: new Date('2025-05-01T00:00:00Z') },
    ]);
  });

  it('re-importing purchases (NDJSON) replaces lines instead of duplicating them', async () => {
    const report = await run(
      'purchases',
      'ndjson',
      ndjson(
        { orderId: 'o-1', customerId: 'c-1', productId: 'p-1', quantity: 3, price: 80, orderedAt: '2025-03-01T10:00:00Z' },
        { orderId: 'o-6', customerId: '501', productId: 'p-2', orderedAt: '2025-06-01T08:00:00.000+01:00' },
        { orderId: 'o-6', customerId: '501', productId: 'p-2', quantity: 2, orderedAt: '2025-06-01T08:00:00.000+01:00' },
        { orderId: 'o-7', customerId: 'c-1', productId: 'p-1', quantity: 0, orderedAt: '2025-06-01T08:00:00Z' },
      ),
    );
    expect(report).toMatchObject({ rowsOk: 3, rowsFailed: 1, errors: [{ row: 4, path: '$.quantity' }] });
    expect(await database.db.orderLine.count()).toBe(4);
    expect(await database.db.orderLine.findUniqueOrThrow({ where: { orderId_productId: { orderId: 'o-1', productId: 'p-1' } } })).toMatchObject({ quantity: 3 });
    expect(await database.db.orderLine.findUniqueOrThrow({ where: { orderId_productId: { orderId: 'o-6', productId: 'p-2' } } })).toMatchObject({
      quantity: 2,
      orderedAt: new Date('2025-06-01T07:00:00Z'),
    });
  });
});

describe('recommendation lists', () => {
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms, 'still waiting'));

  it('are rebuilt after the import answers, not before: a long rebuild does not hold the answer', async () => {
    // Another rebuild holds the refresh lock (a big catalogue takes seconds) until we let it go.
    let release!: () => void;
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const holder = database.db.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('kairos:refresh-co-purchases'))`;
        locked();
        await new Promise<void>((resolve) => (release = resolve));
      },
      { timeout: 60_000 },
    );
    await lockTaken;
    try {
      const answered = run('products', 'csv', 'id,name,category,stock,targetStock\nr-1,Raincoat,coats,30,10\n');
      expect(await Promise.race([answered, pause(3_000)])).toMatchObject({ status: 'completed', rowsOk: 1 });
    } finally {
      release();
      await holder;
    }
    // Then the rebuild runs, and the new product is on the lists.
    await imports.recommendationsRefreshed();
    expect(await database.db.productShortlist.findMany({ where: { productId: 'r-1' }, select: { list: true }, orderBy: { list: 'asc' } })).toEqual([
      { list: 'category:coats' },
      { list: 'overstock' },
    ]);
  });

  it('after a burst of imports, the lists hold every product of the burst', async () => {
    for (let i = 0; i < 5; i++) await run('products', 'csv', `id,name,category,stock\nb-${i},Boot ${i},boots,${i + 1}\n`);
    await imports.recommendationsRefreshed();
    expect((await database.db.productShortlist.findMany({ where: { list: 'category:boots' } })).map((r) => r.productId).sort()).toEqual(['b-0', 'b-1', 'b-2', 'b-3', 'b-4']);
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
    expect(report.errors.at(-1)).toMatchObject({ row: 3, path: '$', message: expect.stringMatching(/^import stopped: Quote Not Closed: .* line 3 /) });
    expect(await database.db.customer.count({ where: { id: { startsWith: 'q-' } } })).toBe(1);
  });

  it('keeps the first 1,000 errors and counts them all, in the imports table', async () => {
    const rows = Array.from({ length: 1500 }, (_, i) => `bad-${i},not-an-email`).join('\n');
    const report = await run('customers', 'csv', `id,email\nok-1,ok@example.com\n${rows}\n`);
    expect(report).toMatchObject({ rowsOk: 1, rowsFailed: 1500 });
    expect(report.errors).toHaveLength(1000);
    expect(report.errors[0]).toEqual({ row: 3, path: '$.email', message: 'must be an email address' });
    const stored = await imports.get(report.id);
    expect(stored).toEqual(report);
    expect(await imports.get('no-such-import')).toBeNull();
  });

  it('marks the import failed and throws when the database refuses a batch', async () => {
    await database.db.$executeRawUnsafe('ALTER TABLE products ADD CONSTRAINT test_small_stock CHECK (stock < 100)');
    try {
      await expect(run('products', 'csv', 'id,name,stock\nz-1,Zed,1\nz-2,Zed,2\nz-3,Zed,3\nz-4,Zed,500\n')).rejects.toThrow(/test_small_stock/);
    } finally {
      await database.db.$executeRawUnsafe('ALTER TABLE products DROP CONSTRAINT test_small_stock');
    }
    const last = await database.db.import.findFirstOrThrow({ orderBy: { startedAt: 'desc' } });
    // The first batch (3 rows) was written before the second was refused.
    expect(last).toMatchObject({ kind: 'products', status: 'failed', rowsOk: 3, finishedAt: expect.any(Date) });
  });
});
