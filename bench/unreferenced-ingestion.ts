// Events no program version in use references (issue 14, outcome 8): batches of 100 through
// POST /v1/events/batch over HTTP, against a raw batched INSERT of the same rows through `pg`
// in the same run. Customers are known by email (created first), as page views of signed-up
// customers are; the API resolves each by its email, the raw INSERT is handed the ids. Both
// sides alternate in rounds, so a change in the machine's load falls on both. The HTTP client is
// node's own with keep-alive: fetch (undici) costs twice its CPU per request, in this process.
import { request, Agent } from 'node:http';
import { WorkflowNotFoundError } from '@temporalio/client';
import { Pool } from 'pg';
import { performance } from 'node:perf_hooks';
import { customerWorkflowId } from '../src/temporal/addressing';
import { runId } from './lib/journeys';
import { cpuNow, cpuSince, loadNow, log, pool, round } from './lib/stats';
import { ADMIN_KEY, type BenchWorld } from './lib/world';

export const UNREFERENCED = {
  type: 'bench_unreferenced_view',
  customers: 1_000,
  rounds: 6,
  eventsPerRound: 10_000,
  batchSize: 100,
  concurrency: 8,
};
const TARGET_RATE = 1_000;
const TARGET_RATIO = 0.5;

interface Side {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** Cores this process used: the API and the HTTP client, or the pg client. */
  nodeCores: number;
}

export type UnreferencedIngestionResult = Awaited<ReturnType<typeof benchUnreferencedIngestion>>;

export async function benchUnreferencedIngestion(world: BenchWorld) {
  const { type, customers, rounds, eventsPerRound, batchSize, concurrency } = UNREFERENCED;
  const prefix = `unref-${runId}`;
  const ids = Array.from({ length: customers }, (_, c) => `${prefix}-${c}`);
  const emailOf = (c: number) => `${prefix}-${c}@bench.test`;
  await world.db.customer.createMany({ data: ids.map((id) => ({ id })) });
  await world.db.customerIdentifier.createMany({
    data: ids.map((customerId, c) => ({ kind: 'email', value: emailOf(c), customerId })),
  });

  /** The rows of one round: page views round-robin over the customers, a path and a timestamp each. */
  const rowsOf = (side: string, round: number) =>
    Array.from({ length: eventsPerRound }, (_, i) => ({
      id: `${prefix}-${side}-${round}-${i}`,
      customer: i % customers,
      occurredAt: new Date(Date.now() - (eventsPerRound - i) * 10).toISOString(),
      properties: { path: `/products/${i % 97}`, referrer: 'https://search.example/?q=linen' },
    }));
  const batchesOf = <T>(rows: T[]) =>
    Array.from({ length: Math.ceil(rows.length / batchSize) }, (_, b) =>
      rows.slice(b * batchSize, (b + 1) * batchSize),
    );

  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const post = (body: unknown) =>
    new Promise<{ status: number; body: { results: { status: number; unreferenced?: boolean }[] } }>(
      (resolve, reject) => {
        const text = JSON.stringify(body);
        const headers = {
          authorization: `Bearer ${ADMIN_KEY}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        };
        const req = request(`${world.apiUrl}/v1/events/batch`, { method: 'POST', agent, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
          );
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(text);
      },
    );
  const api = async (rows: ReturnType<typeof rowsOf>) => {
    const res = await post({
      events: rows.map((r) => ({
        eventId: r.id,
        type,
        timestamp: r.occurredAt,
        customer: { email: emailOf(r.customer) },
        properties: r.properties,
      })),
    });
    if (res.status !== 207) throw new Error(`batch answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
    return res.body.results.filter((r) => r.status === 202 && r.unreferenced).length;
  };
  // The same columns the API writes, one multi-row INSERT per batch.
  const pg = new Pool({ connectionString: world.databaseUrl, max: 10 });
  const raw = async (rows: ReturnType<typeof rowsOf>) => {
    const values = rows.map(
      (_, i) =>
        `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, ` +
        `$${i * 5 + 4}::timestamptz AT TIME ZONE 'UTC', $${i * 5 + 5}::jsonb, ` +
        `now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', true)`,
    );
    const params = rows.flatMap((r) => [r.id, ids[r.customer], type, r.occurredAt, JSON.stringify(r.properties)]);
    const { rowCount } = await pg.query(
      `INSERT INTO events (id, customer_id, type, occurred_at, properties, ` +
        `received_at, delivered_at, next_attempt_at, unreferenced) ` +
        `VALUES ${values.join(', ')}`,
      params,
    );
    return rowCount ?? 0;
  };

  try {
    // The API's index must be loaded: until then every type counts as referenced, and is signalled.
    for (let attempt = 0; ; attempt++) {
      const probe = rowsOf(`probe-${attempt}`, 0).slice(0, batchSize);
      if ((await api(probe)) === probe.length) break;
      if (attempt >= 50)
        throw new Error(`${type} is still signalled: the API's index of referenced types did not load`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // Warm-up: connections, and the JIT on both paths (the first thousands of events run slower).
    const warm = batchesOf(rowsOf('warm', 0));
    await pool(
      warm.map((b) => () => raw(b.map((row) => ({ ...row, id: `${row.id}-raw` })))),
      concurrency,
    );
    await pool(
      warm.map((b) => () => api(b)),
      concurrency,
    );

    const sides: Record<'api' | 'raw', { events: number; seconds: number; cpu: number; node: number }> = {
      api: { events: 0, seconds: 0, cpu: 0, node: 0 },
      raw: { events: 0, seconds: 0, cpu: 0, node: 0 },
    };
    const loads: number[] = [];
    const perRound: { api: number; raw: number; ratio: number }[] = [];
    for (let r = 0; r < rounds; r++) {
      const rates = { api: 0, raw: 0 };
      for (const side of ['raw', 'api'] as const) {
        const batches = batchesOf(rowsOf(side, r));
        const cpu = cpuNow();
        const t = performance.now();
        const stored = (
          await pool(
            batches.map((b) => () => (side === 'api' ? api(b) : raw(b))),
            concurrency,
          )
        ).reduce((a, b) => a + b, 0);
        const seconds = (performance.now() - t) / 1000;
        if (stored !== eventsPerRound)
          throw new Error(`${side}: ${stored} of ${eventsPerRound} stored${side === 'api' ? ' unreferenced' : ''}`);
        sides[side].events += stored;
        sides[side].seconds += seconds;
        sides[side].node += cpuSince(cpu, seconds).node * seconds;
        rates[side] = Math.round(stored / seconds);
        loads.push(loadNow());
      }
      perRound.push({ ...rates, ratio: round(rates.api / rates.raw, 2) });
    }

    // Stored and signalled to nobody: no pending row, no workflow for a sampled customer.
    const pending = await world.db.event.count({ where: { customerId: { in: ids }, deliveredAt: null } });
    const started = await Promise.all(
      [0, Math.floor(customers / 2), customers - 1].map((c) =>
        world.client.workflow
          .getHandle(customerWorkflowId(ids[c]!))
          .describe()
          .then(
            () => true,
            (err: unknown) => (err instanceof WorkflowNotFoundError ? false : Promise.reject(err)),
          ),
      ),
    );
    if (pending > 0 || started.some(Boolean))
      throw new Error(`unreferenced events were signalled: ${pending} pending, workflows ${started}`);

    const side = (s: (typeof sides)['api']): Side => ({
      events: s.events,
      seconds: round(s.seconds, 2),
      eventsPerSecond: Math.round(s.events / s.seconds),
      nodeCores: round(s.node / s.seconds, 2),
    });
    const result = {
      type,
      customers,
      rounds,
      batchSize,
      concurrency,
      api: side(sides.api),
      rawInsert: side(sides.raw),
      ratio: round(sides.api.events / sides.api.seconds / (sides.raw.events / sides.raw.seconds), 2),
      /** Each round's rates: how much the machine's load moved them. */
      perRound,
      load: { min: Math.min(...loads), max: Math.max(...loads) },
      targets: { eventsPerSecond: TARGET_RATE, ratio: TARGET_RATIO },
    };
    log(
      `unreferenced events: api ${result.api.eventsPerSecond}/s, ` +
        `raw INSERT ${result.rawInsert.eventsPerSecond}/s, ratio ${result.ratio}`,
    );
    return result;
  } finally {
    agent.destroy();
    await pg.end();
  }
}

/** Its rows of the bench's table (bench/table.ts prints the others'). */
export function printUnreferencedIngestion(result: object): void {
  const u = (result as { unreferencedIngestion?: UnreferencedIngestionResult }).unreferencedIngestion;
  if (!u) return;
  const verdict = (ok: boolean) => (ok ? 'met' : 'missed');
  const load = `load ${u.load.min}–${u.load.max}`;
  console.log(
    `| Unreferenced events: POST /v1/events/batch (batches of ${u.batchSize}, ${u.concurrency} in flight) | ` +
      `${u.api.eventsPerSecond} events/s (${u.api.events} events; ${load}; node ${u.api.nodeCores} cores) | ` +
      `≥ ${u.targets.eventsPerSecond}/s | ${verdict(u.api.eventsPerSecond >= u.targets.eventsPerSecond)} |`,
  );
  console.log(
    `| Unreferenced events: raw batched INSERT through pg, same rows | ` +
      `${u.rawInsert.eventsPerSecond} events/s (node ${u.rawInsert.nodeCores} cores) | | |`,
  );
  console.log(
    `| Unreferenced events ratio (API / raw INSERT) | ` +
      `${u.ratio} (rounds: ${u.perRound.map((r) => r.ratio).join(', ')}) | ` +
      `≥ ${u.targets.ratio} | ${verdict(u.ratio >= u.targets.ratio)} |`,
  );
}
