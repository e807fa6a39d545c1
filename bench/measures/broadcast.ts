// `npm run bench -- broadcast`: the broadcast drill. A broadcast to a segment of N customers
// (BENCH_BROADCAST_CUSTOMERS, 5,000 by default; the target is 100,000) through an API and a
// worker of its own on the bench's dev server, with a cap of one email a day and 1% of the
// customers already emailed today by a journey. Counts duplicates (the sink and the messages
// table) and caps exceeded, both of which must be 0, and measures messages per minute with what
// limits them: the outbox relay (its backlog), the worker and Temporal (delivered, not yet
// messaged) and CPU per process.
import { loadavg } from 'node:os';
import pino from 'pino';
import { composeApi } from '../../src/apps/api';
import { composeWorker } from '../../src/apps/worker';
import { loadApiConfig } from '../../src/config/api-config';
import { loadWorkerConfig } from '../../src/config/worker-config';
import { sqlRows } from '../../src/db/prisma';
import { createSendGridSender } from '../../src/messaging/sendgrid-sender';
import { cpuMeter } from '../lib/cpu';
import { log, round, sleep } from '../lib/stats';
import type { BenchWorld } from '../lib/world';

const QUEUE = 'kairos-bench-broadcast';
const CAP = '1/24h';
const SUBJECT = 'The summer sale';

interface Sample {
  at: number;
  backlog: number;
  delivered: number;
  settled: number;
}

export async function benchBroadcast(world: BenchWorld) {
  const n = Number(process.env.BENCH_BROADCAST_CUSTOMERS ?? 5000);
  const logger = pino({ level: 'silent' });
  const vars = { ...world.vars, TEMPORAL_TASK_QUEUE: QUEUE, KAIROS_EMAIL_CAPS: CAP };
  const email = createSendGridSender({ apiKey: world.vars.SENDGRID_API_KEY!, baseUrl: world.sink.url });
  const { worker } = await composeWorker(loadWorkerConfig(vars), {
    connection: world.connection,
    db: world.db,
    logger,
    email,
    workflowBundle: { code: world.workflowCode },
    tuning: { maxCachedWorkflows: 10_000 },
  });
  const running = worker.run();
  const api = await composeApi(loadApiConfig(vars), { db: world.db, client: world.client, logger, email });
  const relay = api.relay.start();
  try {
    await seed(world, n);
    const precapped = await capSome(world, api, Math.max(1, Math.floor(n / 100)));
    log(`broadcast: ${n} customers seeded, ${precapped} already emailed today`);
    const before = await sampleOnce(world);
    const { id, programId } = await api.deps.broadcasts.create(
      { name: 'Summer sale', segmentId: 'bench-all', templateId: 'drill-sale', channel: 'email' },
      'bench',
    );
    const samples = await watch(world, id, programId, n);
    const after = await sampleOnce(world);
    const row = await world.db.broadcast.findUniqueOrThrow({ where: { id } });
    const counts = await tally(world, programId);
    const missing = await unmessaged(world, id, programId);
    if (missing.length) log(`broadcast: recipients with no message: ${JSON.stringify(missing.slice(0, 5))}`);
    const seconds = (row.finishedAt!.getTime() - row.startedAt!.getTime()) / 1000;
    const sendSeconds = (counts.lastAt - counts.firstAt) / 1000;
    const elapsed = (after.at - before.at) / 1000;
    const cores = (a: number, b: number | null) => (b === null ? null : round((b - a) / elapsed, 2));
    const cpuSeconds =
      after.node - before.node + (after.temporal - before.temporal) + ((after.postgres ?? 0) - (before.postgres ?? 0));
    const cpuMsPerMessage = round((cpuSeconds * 1000) / counts.settled, 1);
    // The PostgreSQL reading is the whole cluster's, which other databases may share: this one is not.
    const ownCpuMsPerMessage = round(
      ((after.node - before.node + (after.temporal - before.temporal)) * 1000) / counts.settled,
      1,
    );
    return {
      customers: n,
      cap: CAP,
      precapped,
      status: row.status,
      messages: counts.byStatus,
      skippedByCap: counts.skippedByCap,
      /** Recipients with no message at all, sent or skipped: must be 0. */
      unmessaged: missing.length,
      progress: (await api.deps.broadcasts.get(id)).progress,
      duplicates: { sink: counts.sinkDuplicates, messagesTable: counts.tableDuplicates },
      capsExceeded: { sink: counts.sinkOverCap, messagesTable: counts.tableOverCap },
      seconds: round(seconds, 1),
      messagesPerMinute: round((counts.settled / seconds) * 60, 0),
      /** From the first message to the last, without the run's start and its completion check. */
      sendingPerMinute: round((counts.settled / sendSeconds) * 60, 0),
      relayBacklog: backlogStats(samples),
      cpuMsPerMessage,
      /** The worker, API, relay and sink (this process) and the Temporal dev server, without PostgreSQL. */
      ownCpuMsPerMessage,
      /** What two cores would send a minute if the broadcast had them to itself at this cost. */
      twoCoreCeilingPerMinute: round((2 * 60_000) / cpuMsPerMessage, 0),
      minutesFor100kAtThisRate: round(100_000 / ((counts.settled / seconds) * 60), 0),
      cpuCores: {
        node: cores(before.node, after.node),
        temporal: cores(before.temporal, after.temporal),
        postgres: before.postgres === null ? null : cores(before.postgres, after.postgres),
        /** Sessions in other databases of the same PostgreSQL when the run ended: its CPU is theirs too. */
        otherClients: after.otherClients,
      },
      load: loadavg().map((l) => round(l, 1)),
    };
  } finally {
    await relay.stop();
    await api.close();
    worker.shutdown();
    await running;
  }
}

/**
 * CPU seconds so far, through a meter of its own each time: its readings are cumulative, and a
 * connection held for the whole run could be ended under it (another bench ending sessions on the
 * shared cluster). `otherClients`: sessions in the cluster's other databases, whose PostgreSQL CPU
 * the reading includes.
 */
async function sampleOnce(world: BenchWorld) {
  const meter = await cpuMeter(world.databaseUrl);
  try {
    return { ...(await meter.sample()), otherClients: await meter.otherClients() };
  } finally {
    await meter.close();
  }
}

/** N customers with an email each, all in segment `bench-all`; the template; a welcome journey. */
async function seed(world: BenchWorld, n: number): Promise<void> {
  const { db } = world;
  await db.$executeRawUnsafe(
    `INSERT INTO customers (id, updated_at) SELECT 'bc-' || lpad(i::text, 7, '0'), now() FROM generate_series(1, $1) i`,
    n,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO customer_identifiers (kind, value, customer_id)
     SELECT 'email', 'bc-' || lpad(i::text, 7, '0') || '@example.com', 'bc-' || lpad(i::text, 7, '0')
       FROM generate_series(1, $1) i`,
    n,
  );
  await db.segment.create({ data: { id: 'bench-all', name: 'Everyone', draft: {} } });
  await db.$executeRawUnsafe(
    `INSERT INTO segment_memberships (segment_id, customer_id, spell, version, entered_at)
     SELECT 'bench-all', id, 1, 1, now() FROM customers WHERE id LIKE 'bc-%'`,
  );
  await db.template.createMany({
    data: [
      { id: 'drill-sale', subject: SUBJECT, body: '<p>Everything is 20% off.</p>' },
      { id: 'drill-welcome', subject: 'Welcome', body: '<p>Welcome.</p>' },
    ],
  });
}

/** Emails `count` customers today through a journey, through the same outbox, so the cap holds them. */
async function capSome(world: BenchWorld, api: Awaited<ReturnType<typeof composeApi>>, count: number) {
  const programs = api.deps.programs;
  await programs.create(
    'drill-welcome',
    {
      name: 'Welcome',
      entry: { event: 'drill_welcome' },
      start: 'send',
      steps: {
        send: { kind: 'send', channel: 'email', template: 'drill-welcome', next: 'done' },
        done: { kind: 'exit' },
      },
    },
    'bench',
  );
  await programs.publish('drill-welcome', 'bench');
  await programs.launch('drill-welcome', 1, 'bench');
  await world.db.$executeRawUnsafe(
    `INSERT INTO events (id, customer_id, type, occurred_at, next_attempt_at)
     SELECT 'welcome:' || id, id, 'drill_welcome', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
       FROM customers WHERE id LIKE 'bc-%' ORDER BY id LIMIT $1`,
    count,
  );
  for (;;) {
    const sent = await world.db.message.count({ where: { programId: 'drill-welcome', status: 'sent' } });
    if (sent >= count) return sent;
    await sleep(500);
  }
}

/** Samples the outbox and the messages every second until the broadcast completes. */
async function watch(world: BenchWorld, id: string, programId: string, n: number): Promise<Sample[]> {
  const samples: Sample[] = [];
  const deadline = Date.now() + 120_000 + n * 200;
  for (;;) {
    const [row] = await sqlRows<{ status: string; backlog: number; delivered: number; settled: number }>(
      world.db,
      `SELECT b.status,
              (SELECT count(*)::int FROM events WHERE delivered_at IS NULL AND type = 'broadcast_requested'
                  AND properties ->> 'broadcast' = $1) AS backlog,
              (SELECT count(*)::int FROM events WHERE delivered_at IS NOT NULL AND type = 'broadcast_requested'
                  AND properties ->> 'broadcast' = $1) AS delivered,
              (SELECT count(*)::int FROM messages WHERE program_id = $2 AND status IN ('sent', 'skipped', 'failed'))
                AS settled
         FROM broadcasts b WHERE b.id = $1`,
      [id, programId],
    );
    samples.push({ at: Date.now(), backlog: row!.backlog, delivered: row!.delivered, settled: row!.settled });
    if (samples.length % 30 === 0)
      log(`broadcast: ${row!.status}, delivered ${row!.delivered}, messages ${row!.settled}, backlog ${row!.backlog}`);
    if (row!.status === 'completed' || row!.status === 'cancelled') return samples;
    if (Date.now() > deadline) throw new Error(`broadcast ${id} still ${row!.status} after ${samples.length} s`);
    await sleep(1000);
  }
}

/** How full the outbox was while events went out: the relay keeps up while it stays under a page. */
function backlogStats(samples: Sample[]) {
  const sending = samples.filter((s) => s.delivered > 0 && s.settled < samples.at(-1)!.settled);
  const backlog = sending.map((s) => s.backlog).sort((a, b) => a - b);
  const lag = sending.map((s) => s.delivered - s.settled).sort((a, b) => a - b);
  const median = (xs: number[]) => xs[Math.floor(xs.length / 2)] ?? 0;
  return { medianUndelivered: median(backlog), medianDeliveredNotMessaged: median(lag) };
}

/** Recipients the broadcast's program has no message for, with what became of their event. */
function unmessaged(world: BenchWorld, id: string, programId: string) {
  return sqlRows<{ customer_id: string; event: string | null; delivered: Date | null; steps: string[] | null }>(
    world.db,
    `SELECT r.customer_id, e.id AS event, e.delivered_at AS delivered,
            (SELECT array_agg(s.kind || ':' || s.outcome ORDER BY s.at) FROM journey_steps s
              WHERE s.customer_id = r.customer_id AND s.program_id = $2) AS steps
       FROM broadcast_recipients r
       LEFT JOIN events e ON e.id = 'broadcast:' || r.broadcast_id || ':' || r.customer_id
      WHERE r.broadcast_id = $1
        AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.program_id = $2 AND m.customer_id = r.customer_id)
      ORDER BY r.customer_id`,
    [id, programId],
  );
}

/** Messages by status, duplicates and caps exceeded, from the messages table and from the sink. */
async function tally(world: BenchWorld, programId: string) {
  const byStatus: Record<string, number> = {};
  for (const r of await sqlRows<{ status: string; n: number }>(
    world.db,
    `SELECT status, count(*)::int AS n FROM messages WHERE program_id = $1 GROUP BY status`,
    [programId],
  ))
    byStatus[r.status] = r.n;
  const [t] = await sqlRows<{ dup: number; over: number; capped: number; first: Date; last: Date }>(
    world.db,
    `SELECT (SELECT count(*)::int FROM (SELECT customer_id FROM messages WHERE program_id = $1
                                        GROUP BY customer_id HAVING count(*) > 1) d) AS dup,
            (SELECT count(*)::int FROM (SELECT customer_id FROM messages WHERE status = 'sent'
                                         AND customer_id LIKE 'bc-%'
                                        GROUP BY customer_id HAVING count(*) > 1) o) AS over,
            (SELECT count(*)::int FROM messages WHERE program_id = $1 AND reason LIKE 'cap %') AS capped,
            (SELECT min(created_at) FROM messages WHERE program_id = $1) AS first,
            (SELECT max(coalesce(sent_at, created_at)) FROM messages WHERE program_id = $1) AS last`,
    [programId],
  );
  const perRecipient = new Map<string, { sale: number; all: number }>();
  for (const m of world.sink.store.list())
    for (const to of m.to.filter((r) => r.startsWith('bc-'))) {
      const c = perRecipient.get(to) ?? { sale: 0, all: 0 };
      c.all++;
      if (m.subject === SUBJECT) c.sale++;
      perRecipient.set(to, c);
    }
  const counts = [...perRecipient.values()];
  return {
    byStatus,
    settled: (byStatus.sent ?? 0) + (byStatus.skipped ?? 0) + (byStatus.failed ?? 0),
    skippedByCap: t!.capped,
    tableDuplicates: t!.dup,
    tableOverCap: t!.over,
    sinkDuplicates: counts.filter((c) => c.sale > 1).length,
    sinkOverCap: counts.filter((c) => c.all > 1).length,
    firstAt: new Date(t!.first).getTime(),
    lastAt: new Date(t!.last).getTime(),
  };
}

export function printBroadcast(result: { broadcast?: Awaited<ReturnType<typeof benchBroadcast>> }): void {
  const b = result.broadcast;
  if (!b) return;
  console.log('\n### Broadcast drill\n');
  console.log(
    '| customers | status | sent | skipped by cap | unmessaged | duplicates | caps exceeded | seconds | msgs/min |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  console.log(
    `| ${b.customers} | ${b.status} | ${b.messages.sent ?? 0} | ${b.skippedByCap} | ${b.unmessaged} | ` +
      `${b.duplicates.sink + b.duplicates.messagesTable} | ${b.capsExceeded.sink + b.capsExceeded.messagesTable} | ` +
      `${b.seconds} | ${b.messagesPerMinute} (sending ${b.sendingPerMinute}) |`,
  );
  console.log(
    `\nrelay backlog median ${b.relayBacklog.medianUndelivered}, delivered-not-messaged median ` +
      `${b.relayBacklog.medianDeliveredNotMessaged}; CPU cores node ${b.cpuCores.node}, temporal ` +
      `${b.cpuCores.temporal}, postgres ${b.cpuCores.postgres} (shared with ${b.cpuCores.otherClients} other ` +
      `sessions); ${b.cpuMsPerMessage} CPU ms per message, ${b.ownCpuMsPerMessage} without PostgreSQL ` +
      `(two cores to itself: ${b.twoCoreCeilingPerMinute}/min); ` +
      `100k at this rate: ${b.minutesFor100kAtThisRate} min; ` +
      `load ${b.load.join(' ')}`,
  );
}
