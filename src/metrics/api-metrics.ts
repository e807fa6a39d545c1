// The API process's Prometheus metrics (GET /metrics): HTTP requests by route and status, events
// by what ingestion did with them, the event outbox's backlog, and the running rollouts' guardrail
// values. Backlog and guardrails are read from PostgreSQL when Prometheus scrapes, so every API
// replica reports the same figures: aggregate them with max(), not sum().
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { z } from 'zod';
import type { Db } from '../db/prisma';
import { parseStored } from '../db/stored-json';
import { METRICS } from '../rollouts/guardrails';

/** What ingestion did with an event: signalled now, left to the relay, a duplicate, or stored unsignalled. */
export type IngestOutcome = 'signalled' | 'relayed' | 'duplicate' | 'unreferenced';

/** What src/rollouts/rollout-controller.ts stores for each version: its counts and its rates, all numbers. */
const versionFigures = z.record(z.string(), z.number());
const evaluationMetrics = z.object({ current: versionFigures, candidate: versionFigures });

export function createApiMetrics(db: Db) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const requests = new Counter({
    name: 'kairos_http_requests_total',
    help: 'HTTP requests answered, by method, route (as declared in the route table) and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'kairos_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const events = new Counter({
    name: 'kairos_events_total',
    help:
      'Events accepted by this API process, by outcome: signalled to the workflow at once, left to ' +
      'the relay, duplicates of a stored event, or unreferenced (no program version in use ' +
      'references its type: stored, not signalled)',
    labelNames: ['outcome'] as const,
    registers,
  });

  new Gauge({
    name: 'kairos_events_undelivered',
    help:
      'Stored events not yet signalled to their workflow: `due` ones are the relay backlog, ' +
      '`waiting` ones are within the inline grace or a retry backoff',
    labelNames: ['state'] as const,
    registers,
    async collect() {
      // Both read the partial index of undelivered events (its migration: 20261207050000).
      const [row] = await db.$queryRaw<{ due: bigint; waiting: bigint }[]>`
        SELECT count(*) FILTER (WHERE next_attempt_at <= now() AT TIME ZONE 'UTC') AS due,
               count(*) FILTER (WHERE next_attempt_at > now() AT TIME ZONE 'UTC') AS waiting
          FROM events WHERE delivered_at IS NULL`;
      this.set({ state: 'due' }, Number(row!.due));
      this.set({ state: 'waiting' }, Number(row!.waiting));
    },
  });
  new Gauge({
    name: 'kairos_events_undelivered_oldest_seconds',
    help: 'Age of the oldest stored event not yet signalled (0 when none)',
    registers,
    async collect() {
      const [row] = await db.$queryRaw<{ age: number | null }[]>`
        SELECT extract(epoch FROM (now() AT TIME ZONE 'UTC') - min(received_at))::float8 AS age
          FROM events WHERE delivered_at IS NULL`;
      this.set(row!.age ?? 0);
    },
  });
  new Gauge({
    name: 'kairos_rollout_guardrail',
    help:
      "A running rollout's latest guardrail evaluation: each rate for the current (baseline) and " +
      'the candidate version',
    labelNames: ['rollout', 'program', 'side', 'metric'] as const,
    registers,
    async collect() {
      const rows = await db.$queryRaw<{ rollout: string; program: string; metrics: unknown }[]>`
        SELECT DISTINCT ON (r.id) r.id AS rollout, r.program_id AS program, e.metrics
          FROM rollouts r JOIN rollout_evaluations e ON e.rollout_id = r.id
         WHERE r.status = 'running'
         ORDER BY r.id, e.at DESC`;
      this.reset();
      for (const row of rows) {
        const metrics = parseStored(evaluationMetrics, row.metrics, {
          table: 'rollout_evaluations',
          column: 'metrics',
          id: `latest of ${row.rollout}`,
        });
        for (const side of ['current', 'candidate'] as const)
          for (const metric of METRICS) {
            const value = metrics[side][metric];
            if (value !== undefined) this.set({ rollout: row.rollout, program: row.program, side, metric }, value);
          }
      }
    },
  });
  new Gauge({
    name: 'kairos_rollout_percent',
    help: "A running rollout's share of new entrants on the candidate version",
    labelNames: ['rollout', 'program'] as const,
    registers,
    async collect() {
      const rows = await db.rollout.findMany({
        where: { status: 'running' },
        select: { id: true, programId: true, percent: true },
      });
      this.reset();
      for (const r of rows) this.set({ rollout: r.id, program: r.programId }, r.percent);
    },
  });

  return {
    registry,
    /** One answered request; `route` is the route table's path, never the raw URL (bounded labels). */
    request(method: string, route: string, status: number, seconds: number): void {
      requests.inc({ method, route, status: String(status) });
      duration.observe({ method, route }, seconds);
    },
    event(outcome: IngestOutcome): void {
      events.inc({ outcome });
    },
  };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;
