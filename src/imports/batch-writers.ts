// Writes one validated batch per kind with multi-row upserts (unnest arrays, ON CONFLICT), so a
// re-import updates rather than duplicates, and a row whose values are already stored is not
// written at all (no new row version, no `updated_at` bump): importing the same file twice changes
// nothing. Each call takes the client to write with, the import's transaction. Rows the database
// cannot take come back as row errors.
import { Prisma } from '../../generated/prisma/client';
import { buyersMarkedCte } from '../analytics/audience-writes';
import type { Db } from '../db/prisma';
import { profilePlaceSql } from '../traits/refresh-traits';
import type { CustomerRow, ProductRow, PurchaseRow, RowError } from './import-schemas';

/** The client a batch is written with: the import's transaction. */
export type DbClient = Db | Prisma.TransactionClient;

export interface ParsedRow<T> {
  line: number;
  value: T;
}

export type BatchWriter<T> = (db: DbClient, rows: ParsedRow<T>[]) => Promise<RowError[]>;

/**
 * One upsert cannot touch a row twice, so a batch's rows for one key are merged first, as successive batches would
 * be.
 */
function mergeByKey<T>(rows: ParsedRow<T>[], key: (v: T) => string, merge: (prev: T, next: T) => T): T[] {
  const byKey = new Map<string, T>();
  for (const { value } of rows) {
    const k = key(value);
    const prev = byKey.get(k);
    byKey.set(k, prev === undefined ? value : merge(prev, value));
  }
  return [...byKey.values()];
}

// Timestamps are stored as UTC wall time (Prisma's convention for `timestamp(3)`), whatever the session zone.
const NOW_UTC = Prisma.sql`(now() AT TIME ZONE 'UTC')`;

export function customerWriter(): BatchWriter<CustomerRow> {
  return async (db, rows) => {
    const wanted = rows.flatMap((r) => r.value.identifiers);
    const known = wanted.length
      ? await db.$queryRaw<{ kind: string; value: string; customer_id: string }[]>`
          SELECT kind, value, customer_id FROM customer_identifiers
          WHERE (kind, value) IN (SELECT * FROM unnest(${wanted.map((i) => i.kind)}::text[],
                                                       ${wanted.map((i) => i.value)}::text[]))`
      : [];
    const holder = new Map(known.map((k) => [`${k.kind}:${k.value}`, k.customer_id]));
    const errors: RowError[] = [];
    const accepted: ParsedRow<CustomerRow>[] = [];
    for (const row of rows) {
      // An identifier already held by someone else stays theirs (first writer wins, as in identity.ts).
      const clash = row.value.identifiers.find(
        (i) => (holder.get(`${i.kind}:${i.value}`) ?? row.value.id) !== row.value.id,
      );
      if (clash) {
        errors.push({
          row: row.line,
          path: `$.${clash.kind}`,
          message: `already identifies customer ${holder.get(`${clash.kind}:${clash.value}`)}`,
        });
        continue;
      }
      for (const i of row.value.identifiers) holder.set(`${i.kind}:${i.value}`, row.value.id);
      accepted.push(row);
    }
    const customers = mergeByKey(
      accepted,
      (c) => c.id,
      (prev, next) => ({
        id: next.id,
        timezone: next.timezone ?? prev.timezone,
        traits: { ...prev.traits, ...next.traits },
        identifiers: [...prev.identifiers, ...next.identifiers],
      }),
    );
    const identifiers = customers.flatMap((c) => c.identifiers.map((i) => ({ ...i, customerId: c.id })));
    if (!customers.length) return errors;
    // One statement, so one round trip; the foreign keys are checked at the end of the statement,
    // when the new customers exist. A customer left unchanged is not in `upserted` but is in the
    // statement's snapshot, so its new identifiers are still added. Of the computed traits, a
    // profile makes only the country and region (refresh-traits.ts): they are written from the
    // profiles this statement wrote, whose rows it holds locked, so no refresh of the rest is
    // needed. A customer with no row yet has no purchases and no engagement (purchases and
    // engagement write one), so the row's other columns start right at their defaults.
    await db.$executeRaw`
      WITH upserted AS (
        INSERT INTO customers (id, traits, timezone, updated_at)
        SELECT v.id, v.traits, v.timezone, ${NOW_UTC}
        FROM unnest(${customers.map((c) => c.id)}::text[], ${customers.map((c) => JSON.stringify(c.traits))}::jsonb[],
                    ${customers.map((c) => c.timezone ?? null)}::text[]) AS v(id, traits, timezone)
        ON CONFLICT (id) DO UPDATE SET traits = customers.traits || EXCLUDED.traits,
          timezone = COALESCE(EXCLUDED.timezone, customers.timezone), updated_at = EXCLUDED.updated_at
        WHERE (customers.traits || EXCLUDED.traits, COALESCE(EXCLUDED.timezone, customers.timezone))
          IS DISTINCT FROM (customers.traits, customers.timezone)
        RETURNING id, traits, merged_into
      ), placed AS (
        INSERT INTO customer_traits AS t (customer_id, country, region, updated_at)
        SELECT id, ${Prisma.raw(profilePlaceSql('traits'))}, ${NOW_UTC}
          FROM upserted WHERE merged_into IS NULL ORDER BY id
        ON CONFLICT (customer_id) DO UPDATE
          SET country = EXCLUDED.country, region = EXCLUDED.region, updated_at = EXCLUDED.updated_at
        WHERE (t.country, t.region) IS DISTINCT FROM (EXCLUDED.country, EXCLUDED.region))
      INSERT INTO customer_identifiers (kind, value, customer_id)
      SELECT i.kind, i.value, i.customer_id
      FROM unnest(${identifiers.map((i) => i.kind)}::text[], ${identifiers.map((i) => i.value)}::text[],
                  ${identifiers.map((i) => i.customerId)}::text[]) AS i(kind, value, customer_id)
      WHERE i.customer_id IN (SELECT id FROM upserted) OR EXISTS (SELECT 1 FROM customers c WHERE c.id = i.customer_id)
      ON CONFLICT DO NOTHING`;
    return errors;
  };
}

export function productWriter(): BatchWriter<ProductRow> {
  return async (db, rows) => {
    const products = mergeByKey(
      rows,
      (p) => p.id,
      (prev, next) => ({
        ...next,
        category: next.category ?? prev.category,
        price: next.price ?? prev.price,
        targetStock: next.targetStock ?? prev.targetStock,
        attributes:
          prev.attributes && next.attributes
            ? { ...prev.attributes, ...next.attributes }
            : (next.attributes ?? prev.attributes),
      }),
    );
    // Absent optional fields keep what is stored; targetStock is NOT NULL, so rows that set it go separately.
    const withTarget = products.filter((p) => p.targetStock !== undefined);
    const without = products.filter((p) => p.targetStock === undefined);
    if (withTarget.length) await upsertProducts(db, withTarget, true);
    if (without.length) await upsertProducts(db, without, false);
    return [];
  };
}

async function upsertProducts(db: DbClient, products: ProductRow[], setTarget: boolean): Promise<void> {
  await db.$executeRaw`
    INSERT INTO products (id, name, category, price, stock, target_stock, attributes)
    SELECT v.id, v.name, v.category, v.price, v.stock, COALESCE(v.target_stock, 0), COALESCE(v.attributes, '{}')
    FROM unnest(${products.map((p) => p.id)}::text[], ${products.map((p) => p.name)}::text[],
                ${products.map((p) => p.category ?? null)}::text[],
                ${products.map((p) => p.price ?? null)}::numeric[], ${products.map((p) => p.stock)}::int[],
                ${products.map((p) => p.targetStock ?? null)}::int[],
                ${products.map((p) => (p.attributes ? JSON.stringify(p.attributes) : null))}::jsonb[])
      AS v(id, name, category, price, stock, target_stock, attributes)
    ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, stock = EXCLUDED.stock,
      category = COALESCE(EXCLUDED.category, products.category), price = COALESCE(EXCLUDED.price, products.price),
      attributes = products.attributes || EXCLUDED.attributes
      ${setTarget ? Prisma.sql`, target_stock = EXCLUDED.target_stock` : Prisma.empty}
    WHERE (EXCLUDED.name, EXCLUDED.stock, COALESCE(EXCLUDED.category, products.category),
           COALESCE(EXCLUDED.price, products.price), products.attributes || EXCLUDED.attributes
           ${setTarget ? Prisma.sql`, EXCLUDED.target_stock` : Prisma.sql`, products.target_stock`})
      IS DISTINCT FROM (products.name, products.stock, products.category, products.price, products.attributes,
                        products.target_stock)`;
}

export function purchaseWriter(): BatchWriter<PurchaseRow> {
  return async (db, rows) => {
    const [customers, products] = await Promise.all([
      existing(
        db,
        'customers',
        rows.map((r) => r.value.customerId),
      ),
      existing(
        db,
        'products',
        rows.map((r) => r.value.productId),
      ),
    ]);
    const errors: RowError[] = [];
    const accepted = rows.filter(({ line, value }) => {
      if (!customers.has(value.customerId))
        errors.push({ row: line, path: '$.customerId', message: `unknown customer ${value.customerId}` });
      if (!products.has(value.productId))
        errors.push({ row: line, path: '$.productId', message: `unknown product ${value.productId}` });
      return customers.has(value.customerId) && products.has(value.productId);
    });
    const lines = mergeByKey(
      accepted,
      (l) => `${l.orderId}\n${l.productId}`,
      (_prev, next) => next,
    );
    if (!lines.length) return errors;
    // A re-imported line replaces the stored one: the file is the record of that order.
    await db.$executeRaw`
      WITH ${buyersMarkedCte(lines)}
      INSERT INTO order_lines (order_id, product_id, customer_id, quantity, price, ordered_at)
      SELECT v.order_id, v.product_id, v.customer_id, v.quantity, v.price, v.ordered_at AT TIME ZONE 'UTC'
      FROM unnest(${lines.map((l) => l.orderId)}::text[], ${lines.map((l) => l.productId)}::text[],
                  ${lines.map((l) => l.customerId)}::text[],
                  ${lines.map((l) => l.quantity)}::int[], ${lines.map((l) => l.price ?? null)}::numeric[],
                  ${lines.map((l) => l.orderedAt.toISOString())}::timestamptz[])
        AS v(order_id, product_id, customer_id, quantity, price, ordered_at)
      ON CONFLICT (order_id, product_id) DO UPDATE SET customer_id = EXCLUDED.customer_id, quantity = EXCLUDED.quantity,
        price = EXCLUDED.price, ordered_at = EXCLUDED.ordered_at
      WHERE (EXCLUDED.customer_id, EXCLUDED.quantity, EXCLUDED.price, EXCLUDED.ordered_at)
        IS DISTINCT FROM (order_lines.customer_id, order_lines.quantity, order_lines.price, order_lines.ordered_at)`;
    return errors;
  };
}

async function existing(db: DbClient, table: 'customers' | 'products', ids: string[]): Promise<Set<string>> {
  const unique = [...new Set(ids)];
  const found = await db.$queryRaw<
    { id: string }[]
  >`SELECT id FROM ${Prisma.raw(table)} WHERE id = ANY(${unique}::text[])`;
  return new Set(found.map((r) => r.id));
}
