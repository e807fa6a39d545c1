// Offline evaluation and latency of product recommendations: `npx tsx bench/recommendations.ts`.
// Generates a shop whose purchases follow latent tastes (10k products, 20k customers, ~100k order
// lines) on a scratch database, holds out each customer's last order, and reports hit-rate@10 of
// Kairos' recommender against a popularity baseline, then recommendProducts' latency. Prints a
// markdown table and writes bench/results/recommendations-<timestamp>.json.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRecommendationActivities } from '../activities/recommendation-activities';
import { createDb, type Db } from '../src/db/prisma';
import { devPostgres } from '../src/dev/postgres';
import { refreshCoPurchases } from '../src/recommendations/co-purchases';
import { rankProducts } from '../src/recommendations/rank-products';
import { SCORE_WEIGHTS, type ScoreWeights } from '../src/recommendations/scoring';
import { admin } from '../test/helpers/database';
import { withDatabase } from '../test/helpers/database-url';
import type { CustomerEvent } from '../src/core/state';

const ROOT = resolve(__dirname, '..');
const SIZES = { products: 10_000, customers: 20_000, categories: 40, collections: 100, seed: 42 };
const K = 10;
const MIN_LATENCY_CALLS = 1_000;

interface ShopProduct {
  id: string;
  category: string;
  collection: string;
  pairsWith: string[];
  stock: number;
  targetStock: number;
  price: number;
}
interface ShopOrder {
  id: string;
  customerId: string;
  at: Date;
  items: string[];
}
interface Shop {
  products: ShopProduct[];
  customers: string[];
  orders: ShopOrder[];
}

if (require.main === module)
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });

async function main(): Promise<void> {
  const postgres = await devPostgres();
  const base = postgres.url;
  const name = `kairos_bench_recs_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(base, name);
  await admin(base, `CREATE DATABASE ${name}`);
  const db = createDb({ url, poolSize: 4 });
  try {
    execFileSync('bash', [join(ROOT, 'scripts/prisma.sh'), 'migrate', 'deploy'], {
      env: { ...process.env, DATABASE_URL: url },
      stdio: 'ignore',
    });
    const shop = generateShop(SIZES);
    const { train, heldOut } = holdOutLastOrders(shop.orders);
    await load(db, shop, train);
    const refreshStarted = performance.now();
    const { pairs } = await refreshCoPurchases(db);
    const refresh = { ms: Math.round(performance.now() - refreshStarted), pairs };

    const { owned, previous } = customerHistories(train);
    const popular = await bestSellers(db);
    const { recommendProducts } = createRecommendationActivities({ db });
    const seededBy = (h: ShopOrder) => ({
      customerId: h.customerId,
      entryEvent: purchase(previous.get(h.customerId)!),
      count: K,
    });
    const ranked = (weights: ScoreWeights) => async (h: ShopOrder) =>
      rankProducts(db, { customerId: h.customerId, seedIds: previous.get(h.customerId)!.items, count: K }, weights);
    for (const h of heldOut.slice(0, 200)) await recommendProducts(seededBy(h)); // warm-up

    const kairos = await evaluate(heldOut, async (h) => recommendProducts(seededBy(h)), db);
    const hitRateAt10 = {
      kairos: kairos.hitRate,
      withoutOverstockBoost: (await evaluate(heldOut, ranked({ ...SCORE_WEIGHTS, overstock: 0 }))).hitRate,
      coPurchaseOnly: (await evaluate(heldOut, ranked({ coPurchase: 1, fit: 0, overstock: 0 }))).hitRate,
      popularity: (
        await evaluate(heldOut, async (h) =>
          popular
            .filter((id) => !owned.get(h.customerId)!.has(id))
            .slice(0, K)
            .map((productId) => ({ productId })),
        )
      ).hitRate,
    };
    const visit = (h: ShopOrder) => ({
      customerId: h.customerId,
      entryEvent: { id: `visit-${h.id}`, type: 'site_visit', occurredAt: new Date().toISOString(), properties: {} },
      count: K,
    });
    const fallback = await evaluate(heldOut.slice(0, MIN_LATENCY_CALLS), async (h) => recommendProducts(visit(h)), db);

    const result = {
      at: new Date().toISOString(),
      dataset: {
        ...SIZES,
        orderLines: shop.orders.reduce((n, o) => n + o.items.length, 0),
        trainingOrderLines: train.reduce((n, o) => n + o.items.length, 0),
        heldOutOrders: heldOut.length,
      },
      refresh,
      hitRateAt10,
      latencyMs: { triggeringPurchase: kairos.latency, lastOrderFallback: fallback.latency, selectOne: kairos.floor },
      machine: { cpus: cpus().length, loadAverage: loadavg().map((l) => Number(l.toFixed(1))) },
    };
    printTable(result);
    const dir = join(ROOT, 'bench/results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `recommendations-${result.at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nwrote ${file}`);
  } finally {
    await db.$disconnect();
    await admin(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await postgres.stop();
  }
}

/**
 * Hit-rate@K of a recommender over the held-out orders, timing each call. With `db`, a bare
 * `SELECT 1` runs before each call: the round-trip floor, under the same load.
 */
async function evaluate(heldOut: ShopOrder[], recommend: (h: ShopOrder) => Promise<{ productId: string }[]>, db?: Db) {
  const [latency, floor] = [[] as number[], [] as number[]];
  let hits = 0;
  for (const h of heldOut) {
    let t = performance.now();
    if (db) await db.$queryRaw`SELECT 1`;
    floor.push(performance.now() - t);
    t = performance.now();
    const recs = await recommend(h);
    latency.push(performance.now() - t);
    if (recs.some((r) => h.items.includes(r.productId))) hits++;
  }
  return { hitRate: hits / heldOut.length, latency: percentiles(latency), floor: percentiles(floor) };
}

/**
 * A shop with structure to learn: each product sits in a category and a collection, categories
 * pair with others (attributes.pairsWith), popularity is Zipf-skewed. Each customer favours a
 * collection (and a second one less); an order starts from an anchor item of their taste and adds
 * items that pair with it, mostly from the same collection. Nobody buys the same product twice.
 */
function generateShop(sizes: typeof SIZES): Shop {
  const rand = mulberry32(sizes.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const categories = Array.from({ length: sizes.categories }, (_, i) => `category-${i}`);
  const pairs = new Map(
    categories.map((c) => [
      c,
      shuffle(
        categories.filter((o) => o !== c),
        rand,
      ).slice(0, 3),
    ]),
  );
  const productRank = shuffle(
    Array.from({ length: sizes.products }, (_, i) => i + 1),
    rand,
  );
  const products: ShopProduct[] = productRank.map((_, i) => {
    const category = pick(categories);
    const targetStock = 10 + Math.floor(rand() * 40);
    const r = rand();
    const stock =
      r < 0.05 ? 0 : r < 0.2 ? Math.round(targetStock * (1.2 + rand() * 2)) : 1 + Math.floor(rand() * targetStock);
    return {
      id: `p-${i}`,
      category,
      collection: `collection-${i % sizes.collections}`,
      pairsWith: pairs.get(category)!,
      stock,
      targetStock,
      price: 5 + Math.round(rand() * 19_500) / 100,
    };
  });
  const weight = (i: number) => 1 / productRank[i]! ** 0.9;
  const sampler = (indices: number[]) => new Sampler(indices, indices.map(weight));
  const all = sampler(products.map((_, i) => i));
  const byCollection = groupIndices(products, (p) => p.collection);
  const byCategory = groupIndices(products, (p) => p.category);
  const byBoth = groupIndices(products, (p) => `${p.collection}|${p.category}`);
  const samplers = new Map<string, Sampler>();
  const from = (key: string, groups: Map<string, number[]>) => {
    if (!samplers.has(key)) samplers.set(key, groups.has(key) ? sampler(groups.get(key)!) : all);
    return samplers.get(key)!;
  };
  const collectionRank = shuffle(
    Array.from({ length: sizes.collections }, (_, i) => i),
    rand,
  );
  const collections = new Sampler(
    collectionRank,
    collectionRank.map((_, i) => 1 / (i + 1) ** 0.8),
  );

  const customers: string[] = [];
  const orders: ShopOrder[] = [];
  const yearAgo = Date.UTC(2025, 0, 1);
  for (let c = 0; c < sizes.customers; c++) {
    const customerId = `c-${c}`;
    customers.push(customerId);
    const [favourite, second] = [collections.draw(rand), collections.draw(rand)];
    const owned = new Set<number>();
    const fresh = (s: Sampler) => {
      for (let tries = 0; tries < 20; tries++) {
        const i = s.draw(rand);
        if (!owned.has(i)) return (owned.add(i), i);
      }
      return null;
    };
    let at = yearAgo + rand() * 200 * 86_400_000;
    let orderCount = 1;
    while (rand() < 0.6 && orderCount < 12) orderCount++;
    for (let o = 0; o < orderCount; o++) {
      const r = rand();
      const anchor = fresh(
        r < 0.65
          ? from(`collection-${favourite}`, byCollection)
          : r < 0.8
            ? from(`collection-${second}`, byCollection)
            : all,
      );
      if (anchor === null) continue;
      const items = [anchor];
      const lines = 1 + Number(rand() < 0.6) + Number(rand() < 0.3) + Number(rand() < 0.1);
      const { collection, pairsWith } = products[anchor]!;
      while (items.length < lines) {
        const q = rand();
        const category = pick(pairsWith);
        const next = fresh(
          q < 0.4
            ? from(`${collection}|${category}`, byBoth)
            : q < 0.6
              ? from(category, byCategory)
              : q < 0.85
                ? from(collection, byCollection)
                : all,
        );
        if (next === null) break;
        items.push(next);
      }
      orders.push({ id: `o-${c}-${o}`, customerId, at: new Date(at), items: items.map((i) => products[i]!.id) });
      at += (1 + rand() * 30) * 86_400_000;
    }
  }
  return { products, customers, orders };
}

/** Each customer's last order is held out when they have an earlier one to seed from. */
function holdOutLastOrders(orders: ShopOrder[]): { train: ShopOrder[]; heldOut: ShopOrder[] } {
  const last = new Map<string, ShopOrder>();
  const count = new Map<string, number>();
  for (const o of orders) {
    if (!last.has(o.customerId) || last.get(o.customerId)!.at < o.at) last.set(o.customerId, o);
    count.set(o.customerId, (count.get(o.customerId) ?? 0) + 1);
  }
  const heldOut = [...last.values()].filter((o) => count.get(o.customerId)! > 1);
  const held = new Set(heldOut);
  return { train: orders.filter((o) => !held.has(o)), heldOut };
}

async function load(db: Db, shop: Shop, train: ShopOrder[]): Promise<void> {
  const p = shop.products;
  await db.$executeRaw`
    INSERT INTO products (id, name, category, price, stock, target_stock, attributes)
    SELECT id, 'Product ' || id, category, price, stock, target_stock, attributes::jsonb
    FROM unnest(${p.map((x) => x.id)}::text[], ${p.map((x) => x.category)}::text[], ${p.map((x) => x.price)}::numeric[],
      ${p.map((x) => x.stock)}::int[], ${p.map((x) => x.targetStock)}::int[],
      ${p.map((x) => JSON.stringify({ collection: x.collection, pairsWith: x.pairsWith }))}::text[])
      AS t(id, category, price, stock, target_stock, attributes)`;
  await db.$executeRaw`INSERT INTO customers (id, updated_at)
    SELECT id, now() FROM unnest(${shop.customers}::text[]) AS t(id)`;
  const price = new Map(p.map((x) => [x.id, x.price]));
  const lines = train.flatMap((o) => o.items.map((productId) => ({ o, productId })));
  for (let i = 0; i < lines.length; i += 20_000) {
    const chunk = lines.slice(i, i + 20_000);
    await db.$executeRaw`
      INSERT INTO order_lines (order_id, product_id, customer_id, quantity, price, ordered_at)
      SELECT order_id, product_id, customer_id, 1, price, ordered_at
      FROM unnest(${chunk.map((l) => l.o.id)}::text[], ${chunk.map((l) => l.productId)}::text[],
        ${chunk.map((l) => l.o.customerId)}::text[], ${chunk.map((l) => price.get(l.productId)!)}::numeric[],
        ${chunk.map((l) => l.o.at)}::timestamp[]) AS t(order_id, product_id, customer_id, price, ordered_at)`;
  }
  await db.$executeRaw`ANALYZE products, customers, order_lines`;
}

/** The baseline: best sellers (distinct buyers) that are in stock, most popular first. */
async function bestSellers(db: Db): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT o.product_id AS id FROM order_lines o JOIN products p ON p.id = o.product_id WHERE p.stock > 0
    GROUP BY o.product_id ORDER BY count(DISTINCT o.customer_id) DESC, o.product_id LIMIT 1000`;
  return rows.map((r) => r.id);
}

/** Per customer: what they own, and their last order (the seed), in the training orders. */
function customerHistories(train: ShopOrder[]): { owned: Map<string, Set<string>>; previous: Map<string, ShopOrder> } {
  const [owned, previous] = [new Map<string, Set<string>>(), new Map<string, ShopOrder>()];
  for (const o of train) {
    for (const id of o.items) owned.set(o.customerId, (owned.get(o.customerId) ?? new Set()).add(id));
    if (!previous.has(o.customerId) || previous.get(o.customerId)!.at < o.at) previous.set(o.customerId, o);
  }
  return { owned, previous };
}

const purchase = (o: ShopOrder): CustomerEvent => ({
  id: `purchase-${o.id}`,
  type: 'purchase',
  occurredAt: o.at.toISOString(),
  properties: { orderId: o.id, items: o.items.map((productId) => ({ productId })) },
});

function percentiles(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => Number(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!.toFixed(2));
  return {
    calls: sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: Number(sorted[sorted.length - 1]!.toFixed(2)),
  };
}

function printTable(r: {
  dataset: { heldOutOrders: number; trainingOrderLines: number };
  refresh: { ms: number; pairs: number };
  hitRateAt10: Record<string, number>;
  latencyMs: Record<string, ReturnType<typeof percentiles>>;
  machine: { cpus: number; loadAverage: number[] };
}): void {
  const label: Record<string, string> = {
    kairos: 'Kairos: co-purchase + fit + overstock boost',
    withoutOverstockBoost: 'Kairos without the overstock boost',
    coPurchaseOnly: 'Co-purchase alone',
    popularity: 'Popularity: in-stock best sellers not owned',
    triggeringPurchase: 'recommendProducts, seeded by the purchase',
    lastOrderFallback: 'recommendProducts, last-order fallback',
    selectOne: '`SELECT 1` through the same client (floor)',
  };
  console.log(`\n| Recommender | hit-rate@${K} (${r.dataset.heldOutOrders} held-out last orders) |\n|---|---|`);
  for (const [kind, rate] of Object.entries(r.hitRateAt10))
    console.log(`| ${label[kind]} | ${(rate * 100).toFixed(1)} % |`);
  console.log(`\n| Latency (ms) | calls | p50 | p95 | p99 | max |\n|---|---|---|---|---|---|`);
  for (const [kind, l] of Object.entries(r.latencyMs))
    console.log(`| ${label[kind]} | ${l.calls} | ${l.p50} | ${l.p95} | ${l.p99} | ${l.max} |`);
  console.log(
    `\nrefreshCoPurchases over ${r.dataset.trainingOrderLines} order lines: ` +
      `${r.refresh.pairs} pairs in ${r.refresh.ms} ms; ` +
      `${r.machine.cpus} CPUs, load average ${r.machine.loadAverage.join(' ')}`,
  );
}

class Sampler {
  private readonly cumulative: number[];
  constructor(
    private readonly items: number[],
    weights: number[],
  ) {
    let sum = 0;
    this.cumulative = weights.map((w) => (sum += w));
  }
  draw(rand: () => number): number {
    const x = rand() * this.cumulative[this.cumulative.length - 1]!;
    let [lo, hi] = [0, this.cumulative.length - 1];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return this.items[lo]!;
  }
}

function groupIndices<T>(xs: T[], key: (x: T) => string): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  xs.forEach((x, i) => groups.set(key(x), [...(groups.get(key(x)) ?? []), i]));
  return groups;
}

function shuffle<T>(xs: T[], rand: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
